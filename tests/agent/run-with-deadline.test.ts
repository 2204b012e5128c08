import { afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { ActionExecutor } from '../../src/agent/action-executor.js';
import type { HostTools } from '../../src/agent/agent-action.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { RequestLedger } from '../../src/agent/request-ledger.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';
import { FakeDockerEngine } from './support/fake-docker-engine.js';

const GRACE_MS = 200;
let host: AgentConfigBuilder;
let ledger: RequestLedger | undefined;
let engine: FakeDockerEngine | undefined;

function executor(tools: Partial<HostTools> = {}): ActionExecutor {
  const config = host.build();
  ledger = new RequestLedger(config.stateDir);
  return new ActionExecutor(config, createHostTools(config, tools), ledger, undefined, GRACE_MS);
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!condition()) throw new Error(`gave up waiting for ${what}`);
}

afterEach(async () => {
  await ledger?.close();
  ledger = undefined;
  await engine?.close();
  engine = undefined;
  host?.cleanup();
});

describe('a host change cut short by its timeout', () => {
  it('restore_file whose copy ignores the abort is unknown, says what to check, and never swaps in afterwards', async () => {
    host = anAgentConfig().file('backup/a.accdb', 'backup').file('db/routing.accdb', 'live');
    let release!: () => void;
    const stuck = new Promise<void>((r) => (release = r));
    const ex = executor({ copyFile: async (src, dst) => (await stuck, copyFile(src, dst)) });
    const request = aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-1', timeoutMs: 2000 });

    const r = await ex.execute(request);
    expect(r.status).toBe('unknown');
    expect(r.summary).toContain('timed out after 2 s and had not stopped 200 ms later');
    expect(r.summary).toMatch(/should still be the previous file \(its sha256 is not [0-9a-f]{64}, the backup's\)/);

    // the copy finishes late: the restore sees the abort before the swap and keeps the live file
    release();
    await until(() => { const s = ex.status(request.requestId); return s.state === 'done' && s.result.summary.includes('finished after'); }, 'the late result');
    expect(ex.status(request.requestId)).toMatchObject({ state: 'done', result: { status: 'fail' } });
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live');
    expect(readdirSync(host.path('db'))).toEqual(['routing.accdb']);
  });

  it('restore_file whose copy stops at the abort fails with the live file unchanged: a known outcome', async () => {
    host = anAgentConfig().file('backup/a.accdb', 'backup').file('db/routing.accdb', 'live');
    const honouring = (_src: string, _dst: string, signal?: AbortSignal) => new Promise<void>((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason as Error)));
    const r = await executor({ copyFile: honouring }).execute(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-2', timeoutMs: 2000 }));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('the live file is unchanged: timed out after 2 s');
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live');
  });

  it('compose_service_restart aborts the Engine API call in flight and names the container to check', async () => {
    engine = await FakeDockerEngine.start([
      { id: 'c1', name: 'stack-predictor-1', service: 'predictor', project: 'stack', state: 'exited' },
      { id: 'c2', name: 'stack-predictor-2', service: 'predictor', project: 'stack', state: 'exited' },
    ]);
    engine.hang.add('POST /containers/c2/restart');
    host = anAgentConfig().with({ docker: { socketPath: engine.socketPath, project: 'stack', services: ['predictor'] } });
    const r = await executor().execute(aRequest('compose_service_restart', { service: 'predictor' }, { approvalId: 'apr-3', timeoutMs: 2000 }));
    expect(r.status).toBe('unknown');
    expect(r.summary).toContain('cut short while container stack-predictor-2 was being restarted (1 of 2 done before it)');
    expect(r.summary).toContain('docker ps -a --filter name=stack-predictor-2');
    await until(() => engine!.aborted.includes('POST /containers/c2/restart'), 'the engine to see the restart request dropped');
    expect(engine.containers.find((c) => c.id === 'c1')!.state).toBe('running');
  });

  it('git_checkout stops git at the timeout and says which commit to check', async () => {
    // a git whose checkout never ends (a big repository on a slow disk)
    host = anAgentConfig().file('bin/git', '#!/bin/sh\nif [ "$1" = rev-parse ]; then echo 1111111111111111111111111111111111111111; exit 0; fi\nexec sleep 30\n');
    chmodSync(host.path('bin/git'), 0o755);
    host.with({ git: { cwd: '.', command: host.path('bin/git'), refs: { stable: '2222222222222222222222222222222222222222' } } });
    const r = await executor().execute(aRequest('git_checkout', { ref: 'stable' }, { approvalId: 'apr-4', timeoutMs: 2000 }));
    expect(r.status).toBe('unknown');
    expect(r.summary).toContain('check git rev-parse HEAD');
    expect(r.summary).toContain('it was 111111111111, the checkout asked for 222222222222');
  });

  it('a host change that fails before it changes anything is a plain failure', async () => {
    host = anAgentConfig();
    host.with({ docker: { socketPath: host.path('no-engine.sock'), project: 'stack', services: ['predictor'] } });
    const r = await executor().execute(aRequest('compose_service_restart', { service: 'predictor' }, { approvalId: 'apr-5' }));
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('ENOENT');
    expect(existsSync(host.path('no-engine.sock'))).toBe(false);
  });
});
