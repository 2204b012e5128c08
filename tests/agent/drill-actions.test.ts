import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { DrillFaultLedger, type DrillFaultRecord } from '../../src/agent/drill-fault-ledger.js';
import { parseAgentConfig } from '../../src/agent/agent-config.js';
import { undoOrder } from '../../src/agent/actions/drill-actions.js';
import type { WireRequest } from '../../src/agentlink/agent-protocol.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';
import { FakeDockerEngine } from './support/fake-docker-engine.js';
import { anIncidentId } from '../support/an-incident.js';

let host: AgentConfigBuilder | undefined;
let engine: FakeDockerEngine | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await engine?.close();
  engine = undefined;
  await host?.close();
});

const ACE = Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.from('Standard ACE DB\0'), Buffer.alloc(2048, 7)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const FAULTS = { corrupt_file: ['access_db'], corrupt_dir: ['models'] };

function run(action: string, params: WireRequest['params'], extra: Partial<WireRequest> = {}) {
  return host!.execute(aRequest(action, params, { approvalId: 'apr-1', incidentId: anIncidentId(1), drill: true, ...extra }));
}

const undo = (extra: Partial<WireRequest> = {}) => run('drill_undo', {}, { approvalId: `drill-end-${anIncidentId(1)}`, ...extra });

/** A real process whose argv carries a marker the agent config matches. */
function aSleeper(marker: string): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('drill faults on the agent', () => {
  it('corrupt_file moves the live file aside and puts a damaged copy in place; drill_undo puts the real one back', async () => {
    host = anAgentConfig().with({ drill: { faults: FAULTS } });
    host.file('db/routing.accdb', ACE);
    const r = await run('drill_fault', { fault: 'corrupt_file', target: 'access-db' });
    expect(r).toMatchObject({ status: 'ok' });
    expect(r.summary).toMatch(/^\[DRILL\] fault injected: .*routing\.accdb damaged; the real file is kept at .*routing\.accdb\.drill-/);
    const damaged = readFileSync(host.path('db/routing.accdb'));
    expect(damaged.subarray(4, 19).toString()).not.toBe('Standard ACE DB');
    const aside = readdirSync(host.path('db')).find((n) => n.includes('.drill-'))!;
    expect(sha(readFileSync(host.path(`db/${aside}`)))).toBe(sha(ACE));
    expect(new DrillFaultLedger(host.build().stateDir).openFor(anIncidentId(1))).toMatchObject([{ fault: 'corrupt_file', target: 'access_db', state: 'in-place' }]);

    const u = await undo();
    expect(u.status).toBe('ok');
    expect(u.summary).toContain('access_db: the damaged file removed, the real one put back');
    expect(sha(readFileSync(host.path('db/routing.accdb')))).toBe(sha(ACE));
    expect(readdirSync(host.path('db'))).toEqual(['routing.accdb']);
    expect((await undo()).summary).toBe('[DRILL] nothing to undo: every fault of this drill is already undone');
  });

  it('corrupt_dir damages the live model directory; after a restore during the drill, undo puts the pre-drill version back and keeps the recovered one', async () => {
    host = anAgentConfig().with({ drill: { faults: FAULTS } });
    host.file('models/latest/model.pkl', '\x80\x04real model').file('models/latest/meta.json', '{"v":"latest"}').file('models/v20250901/model.pkl', '\x80\x04old model');
    const r = await run('drill_fault', { fault: 'corrupt_dir', target: 'models' });
    expect(r.status).toBe('ok');
    expect(readFileSync(host.path('models/latest/model.pkl'))[0]).toBe(0);
    // The drill's recovery: the previous version restored into latest/.
    const restored = await run('restore_dir', { dir: 'models', from: 'previous' }, { approvalId: 'apr-2' });
    expect(restored.status).toBe('ok');
    expect(readFileSync(host.path('models/latest/model.pkl'), 'latin1')).toContain('old model');
    const u = await undo();
    expect(u.summary).toContain('models: the pre-drill directory put back');
    expect(u.summary).toContain("the drill's recovered copy is kept at");
    expect(readFileSync(host.path('models/latest/model.pkl'), 'latin1')).toContain('real model');
  });

  // Found by the Type 5 drill on real parts (tests/e2e/drills.test.ts): the restore during the drill
  // recorded its version in the restore manifest, undo put the pre-drill latest/ back, and the next
  // checksum diagnostic failed against the drill's version.
  it('corrupt_dir: undo puts the restore manifest back as it was before the drill (none, or an earlier restore’s), so latest/ verifies again', async () => {
    host = anAgentConfig().with({ drill: { faults: FAULTS } });
    const pickle = (text: string) => Buffer.concat([Buffer.from([0x80, 4]), Buffer.from(text)]);
    for (const [rel, text] of [['models/v20250901/model.pkl', 'old model'], ['models/v20251101/model.pkl', 'new model'], ['models/latest/model.pkl', 'old model']] as const) {
      host.file(rel, pickle(text));
    }
    const { utimesSync } = await import('node:fs');
    utimesSync(host.path('models/v20250901'), 1_700_000_000, 1_700_000_000);
    expect((await run('version_dir_verify', { dir: 'models' })).summary).toContain('models: latest/ matches v20250901');
    const manifest = host.path('state/manifests/models.json');

    // no manifest before the drill: the one the drill's restore wrote is removed
    await run('drill_fault', { fault: 'corrupt_dir', target: 'models' });
    expect((await run('restore_dir', { dir: 'models', from: 'previous' }, { approvalId: 'apr-2' })).summary).toContain('v20251101 restored');
    expect(existsSync(manifest)).toBe(true);
    const u = await undo();
    expect(u.summary).toContain('the restore manifest the drill wrote removed');
    expect(existsSync(manifest)).toBe(false);
    expect(await run('version_dir_verify', { dir: 'models' })).toMatchObject({ status: 'ok', summary: expect.stringContaining('latest/ matches v20250901') });

    // a manifest from an earlier real restore: the drill's restore overwrites it, undo puts it back byte for byte.
    // This second drill ends within the same second as the first: its recovered copy gets its own name
    // (the time alone collided, and the rename of latest/ onto the first drill's copy failed the undo).
    expect(readdirSync(host.path('models')).filter((n) => n.startsWith('latest.drill-recovered-'))).toHaveLength(1);
    await run('restore_dir', { dir: 'models', from: 'v20250901' }, { approvalId: 'apr-3' });
    const before = readFileSync(manifest, 'utf8');
    await run('drill_fault', { fault: 'corrupt_dir', target: 'models' }, { incidentId: anIncidentId(2) });
    await run('restore_dir', { dir: 'models', from: 'v20251101' }, { approvalId: 'apr-4', incidentId: anIncidentId(2) });
    expect(readFileSync(manifest, 'utf8')).not.toBe(before);
    expect((await undo({ incidentId: anIncidentId(2), approvalId: `drill-end-${anIncidentId(2)}` })).summary).toContain('its restore manifest put back as before the drill');
    expect(readFileSync(manifest, 'utf8')).toBe(before);
    expect(readdirSync(host.path('models')).filter((n) => n.startsWith('latest.drill-recovered-'))).toHaveLength(2);
    expect(await run('version_dir_verify', { dir: 'models' })).toMatchObject({ status: 'ok', summary: expect.stringContaining('latest/ matches v20250901 (restored') });
  });

  it('stop_process stops a real process; drill_undo starts it again with its restart recipe', async () => {
    const marker = `drbot-drill-sleeper-${process.pid}-${Date.now()}`;
    host = anAgentConfig();
    host.with({
      drill: { faults: { stop_process: ['sleeper'] } },
      processes: { sleeper: { match: marker } },
      restarts: { sleeper: { recipe: { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)', marker] }, log: 'logs/sleeper.log', match: marker } },
    });
    const child = aSleeper(marker);
    await until(() => child.pid !== undefined, 'the sleeper to start');
    const r = await run('drill_fault', { fault: 'stop_process', target: 'sleeper' });
    expect(r.summary).toBe(`[DRILL] fault injected: sleeper stopped (pid ${child.pid})`);
    await until(() => child.exitCode !== null || child.signalCode !== null, 'the sleeper to exit');
    expect((await run('process_running', { name: 'sleeper' })).status).toBe('fail');
    const u = await undo();
    expect(u.status).toBe('ok');
    expect(u.summary).toContain('sleeper: started again');
    const running = await run('process_running', { name: 'sleeper' });
    expect(running.status).toBe('ok');
    for (const pid of (running.data as { pids: number[] }).pids) process.kill(pid, 'SIGKILL');
  });

  // Found by the e2e drill that ends without recovering: processes.uvicorn is started by restarts.backend
  // (the name the runbook's restart step uses), and the undo looked only for restarts.uvicorn.
  it('stop_process: undo starts the process with the restarts entry of the same match when none has its name; a fault nothing could start again is refused at start', async () => {
    const marker = `drbot-drill-backend-${process.pid}-${Date.now()}`;
    host = anAgentConfig();
    host.with({
      drill: { faults: { stop_process: ['uvicorn'] } },
      processes: { uvicorn: { match: ['node', marker] } },
      restarts: { backend: { recipe: { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)', marker] }, log: 'logs/backend.log', match: ['node', marker] } },
    });
    const child = aSleeper(marker);
    await until(() => child.pid !== undefined, 'the backend to start');
    expect((await run('drill_fault', { fault: 'stop_process', target: 'uvicorn' })).status).toBe('ok');
    await until(() => child.exitCode !== null || child.signalCode !== null, 'the backend to exit');
    const u = await undo();
    expect(u).toMatchObject({ status: 'ok', summary: expect.stringContaining('uvicorn: started again (backend: restarted (pid') });
    const running = await run('process_running', { name: 'uvicorn' });
    expect(running.status).toBe('ok');
    for (const pid of (running.data as { pids: number[] }).pids) process.kill(pid, 'SIGKILL');

    const unstartable = { id: 'routing-ml', stateDir: '/tmp/x', processes: { uvicorn: { match: 'uvicorn' } }, restarts: { backend: { recipe: { command: '/bin/true' }, log: '/tmp/x.log', match: 'gunicorn' } }, drill: { faults: { stop_process: ['uvicorn'] } } };
    expect(() => parseAgentConfig(unstartable, 'agent.yaml', '/')).toThrow('drill.faults.stop_process: "uvicorn" could not be started again: no restarts.uvicorn and no restarts entry with the same match as processes.uvicorn');
  });

  it('undoes the stack from the bottom up: files and directories, then containers, then processes, the latest first within a kind', () => {
    const f = (id: string, fault: DrillFaultRecord['fault']): DrillFaultRecord => ({ id, incidentId: anIncidentId(1), fault, target: id, at: 0, state: 'in-place' });
    const injected = [f('predictor', 'stop_container'), f('access_db', 'corrupt_file'), f('uvicorn', 'stop_process'), f('models', 'corrupt_dir'), f('frontend', 'stop_container')];
    expect(undoOrder(injected).map((x) => x.id)).toEqual(['models', 'access_db', 'frontend', 'predictor', 'uvicorn']);
  });

  it('stop_container stops the service container; drill_undo starts it', async () => {
    engine = await FakeDockerEngine.start([{ id: 'c1', name: 'stack-predictor-1', service: 'predictor', project: 'stack', state: 'running' }]);
    host = anAgentConfig().with({ drill: { faults: { stop_container: ['predictor'] } }, docker: { socketPath: engine.socketPath, project: 'stack', services: ['predictor'] } });
    expect((await run('drill_fault', { fault: 'stop_container', target: 'predictor' })).summary).toBe('[DRILL] fault injected: container(s) of predictor stopped (stack-predictor-1)');
    expect(engine.containers[0]!.state).toBe('exited');
    expect((await undo()).summary).toBe('[DRILL] undone: predictor: stack-predictor-1 started again');
    expect(engine.containers[0]!.state).toBe('running');
  });

  it('refuses every fault without drill.faults, outside a drill, for an unlisted target, and without an approval; nothing changes', async () => {
    host = anAgentConfig();
    host.file('db/routing.accdb', 'x'.repeat(100));
    const before = readFileSync(host.path('db/routing.accdb'));
    const noFaults = await run('drill_fault', { fault: 'corrupt_file', target: 'access_db' });
    expect(noFaults).toMatchObject({ status: 'fail', refused: 'not-allowed' });
    expect(noFaults.summary).toContain('this agent accepts no drill faults (agent.yaml has no drill.faults)');
    host.with({ drill: { faults: { corrupt_file: ['access_db'] } } });
    expect((await run('drill_fault', { fault: 'corrupt_file', target: 'access_db' }, { drill: undefined })).summary).toContain('faults are injected only for a drill incident');
    expect((await run('drill_fault', { fault: 'corrupt_dir', target: 'models' })).summary).toContain('corrupt_dir "models" is not in drill.faults');
    expect((await run('drill_fault', { fault: 'corrupt_file', target: 'access_db' }, { approvalId: undefined })).refused).toBe('needs-approval');
    expect(readFileSync(host.path('db/routing.accdb'))).toEqual(before);
    expect(existsSync(host.path('state/drill-faults.json'))).toBe(false);
    expect(() => anAgentConfig().with({ drill: { faults: { corrupt_file: ['nothing_here'] } } }).build()).toThrow('drill.faults.corrupt_file: "nothing_here" is not in files');
  });
});
