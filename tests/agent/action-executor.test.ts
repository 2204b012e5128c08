import { afterEach, describe, expect, it } from '@jest/globals';
import * as nodeFs from 'node:fs';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ActionExecutor, capOutput } from '../../src/agent/action-executor.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { RequestLedger, type LedgerFs } from '../../src/agent/request-ledger.js';
import { SUMMARY_CAP_CHARS, parseAgentMessage } from '../../src/agentlink/agent-protocol.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

let host: AgentConfigBuilder;
let ledgers: RequestLedger[] = [];

function executor(b: AgentConfigBuilder) {
  const config = b.build();
  const ledger = new RequestLedger(config.stateDir);
  ledgers.push(ledger);
  return new ActionExecutor(config, createHostTools(config), ledger);
}

afterEach(async () => {
  for (const l of ledgers) await l.close();
  ledgers = [];
  host?.cleanup();
});

describe('ActionExecutor refusals', () => {
  it('refuses an unknown action and runs nothing', async () => {
    host = anAgentConfig();
    const r = await executor(host).execute(aRequest('rm_rf', {}));
    expect(r).toMatchObject({ status: 'fail', refused: 'unknown-action' });
    expect(r.summary).toContain('unknown action "rm_rf"');
  });

  it('refuses path traversal in a symbolic parameter', async () => {
    host = anAgentConfig().file('logs/backend.log', 'x\n');
    const r = await executor(host).execute(aRequest('log_tail', { log: '../../etc/passwd', lines: 10 }));
    expect(r).toMatchObject({ status: 'fail', refused: 'bad-params' });
    expect(r.summary).toContain('path traversal');
    expect(r.output).toBe('');
  });

  it.each([['backend;reboot'], ['$(id)'], ['backend|cat'], ['`id`'], ['a b']])('refuses shell metacharacters: %s', async (value) => {
    host = anAgentConfig();
    const r = await executor(host).execute(aRequest('log_tail', { log: value }));
    expect(r).toMatchObject({ status: 'fail', refused: 'bad-params' });
    expect(r.summary).toContain('shell metacharacters');
  });

  it('refuses a name the agent config does not list', async () => {
    host = anAgentConfig();
    const r = await executor(host).execute(aRequest('log_tail', { log: 'shadow' }));
    expect(r).toMatchObject({ status: 'fail', refused: 'not-allowed' });
    expect(r.summary).toContain('log "shadow" is not in the agent config (allowed: backend)');
  });

  it('refuses a port outside the config and parameters the action does not take', async () => {
    host = anAgentConfig();
    const ex = executor(host);
    expect(await ex.execute(aRequest('port_listening', { port: 22 }))).toMatchObject({ refused: 'not-allowed' });
    expect(await ex.execute(aRequest('port_listening', { port: 8000, path: 'x' }))).toMatchObject({ refused: 'bad-params' });
  });

  it('refuses a host-changing action without an approval id', async () => {
    host = anAgentConfig().file('backup/a.accdb', 'backup').file('db/routing.accdb', 'live');
    const r = await executor(host).execute(aRequest('restore_file', { file: 'access_db', from: 'latest' }));
    expect(r).toMatchObject({ status: 'fail', refused: 'needs-approval' });
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live');
  });

  it('never runs the same request id twice, even after a restart of the agent', async () => {
    host = anAgentConfig().file('backup/a.accdb', 'backup v1').file('db/routing.accdb', 'live');
    const request = aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-1' });
    const first = await executor(host).execute(request);
    expect(first.status).toBe('ok');
    host.file('db/routing.accdb', 'changed after the restore');

    const again = await executor(host).execute(request); // a new executor reading the same ledger file
    expect(again).toMatchObject({ refused: 'duplicate', status: 'ok' });
    expect(again.summary).toContain('never run twice');
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('changed after the restore');
    const lines = readFileSync(join(host.build().stateDir, 'executed-requests.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).phase)).toEqual(['start', 'end']);
  });

  it('reports a request cut short by a crash as unknown and does not re-run it', async () => {
    host = anAgentConfig().file('logs/backend.log', 'line\n');
    const config = host.build();
    const crashed = new RequestLedger(config.stateDir);
    await crashed.start('req-crashed', Date.now()); // the agent died before writing the end
    await crashed.close();
    const ex = executor(host);
    expect(ex.status('req-crashed')).toEqual({ state: 'unknown' });
    expect(await ex.execute(aRequest('log_tail', { log: 'backend' }, { requestId: 'req-crashed' }))).toMatchObject({ refused: 'duplicate', status: 'unknown' });
  });
});

describe('ActionExecutor with a ledger it cannot write', () => {
  it('refuses a host change with the reason when the disk is full, runs nothing, and keeps serving', async () => {
    host = anAgentConfig().file('backup/a.accdb', 'backup').file('db/routing.accdb', 'live').file('logs/backend.log', 'line\n');
    const config = host.build();
    const devFull = openSync('/dev/full', 'w');
    const full = { on: true };
    type Cb = (err: NodeJS.ErrnoException | null, n: number) => void;
    const write = (fd: number, text: string, pos: null, enc: BufferEncoding, cb: Cb) => nodeFs.write(full.on ? devFull : fd, text, pos, enc, cb);
    const ledger = new RequestLedger(config.stateDir, { fs: { ...nodeFs, write } as unknown as LedgerFs });
    ledgers.push(ledger);
    const ex = new ActionExecutor(config, createHostTools(config), ledger);
    try {
      const r = await ex.execute(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-1' }));
      expect(r).toMatchObject({ status: 'fail', refused: 'ledger-unavailable' });
      expect(r.summary).toContain('ENOSPC');
      expect(r.summary).toContain('was not run');
      expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live');
      // read-only probes still run (running one twice changes nothing)
      expect(await ex.execute(aRequest('log_tail', { log: 'backend' }))).toMatchObject({ status: 'ok', output: 'line' });
      full.on = false;
      expect(await ex.execute(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-2' }))).toMatchObject({ status: 'ok' });
      expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('backup');
    } finally {
      closeSync(devFull);
    }
  });
});

describe('ActionExecutor and the ledger\'s disk flushes', () => {
  it('sends a probe\'s result without waiting for its ledger lines to be fsynced; a host change waits for its start line', async () => {
    host = anAgentConfig().file('backup/a.accdb', 'backup').file('db/routing.accdb', 'live').file('logs/backend.log', 'line\n');
    const config = host.build();
    // a disk whose flushes complete only when the test says so
    const held: (() => void)[] = [];
    const fsync = (_fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => held.push(() => cb(null));
    const release = async () => {
      while (held.length) held.shift()!();
      await new Promise((r) => setImmediate(r));
    };
    const ledger = new RequestLedger(config.stateDir, { fs: { ...nodeFs, fsync } as unknown as LedgerFs });
    ledgers.push(ledger);
    const ex = new ActionExecutor(config, createHostTools(config), ledger);

    expect(await ex.execute(aRequest('log_tail', { log: 'backend' }, { requestId: 'probe-1' }))).toMatchObject({ status: 'ok', output: 'line' });
    expect(held.length).toBeGreaterThan(0); // its lines are still being flushed
    expect(ex.status('probe-1')).toMatchObject({ state: 'done' });

    let restored = false;
    const change = ex.execute(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-1' })).then((r) => ((restored = true), r));
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(restored).toBe(false);
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live'); // not run before its start line is on disk
    const flushing = (async () => {
      while (!restored) await release();
    })();
    expect(await change).toMatchObject({ status: 'ok' });
    await flushing;
    await release();
  });
});

describe('ActionExecutor runs', () => {
  it('reads the end of a configured log and flags error lines', async () => {
    host = anAgentConfig().file('logs/backend.log', Array.from({ length: 300 }, (_, i) => (i === 299 ? 'ERROR model failed' : `line ${i}`)).join('\n') + '\n');
    const r = await executor(host).execute(aRequest('log_tail', { log: 'backend', lines: 3 }));
    expect(r.status).toBe('warn');
    expect(r.output).toBe('line 297\nline 298\nERROR model failed');
  });

  it('ends an action that outlives its timeout as failed', async () => {
    const server = createServer(() => {}); // accepts and never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    host = anAgentConfig().with({ targets: { backend: { url: `http://127.0.0.1:${port}/api/health`, timeoutMs: 60_000 } } });
    try {
      const r = await executor(host).execute(aRequest('http_health', { target: 'backend' }, { timeoutMs: 300 }));
      expect(r.status).toBe('fail');
      expect(r.summary).toContain('timed out');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('clips a summary longer than drbot accepts, so the result is not refused by the hub', async () => {
    host = anAgentConfig();
    for (let i = 0; i < 30; i++) host.file(`models/v${String(i).padStart(2, '0')}-${'long-version-name-'.repeat(10)}/model.pkl`, 'm');
    const r = await executor(host).execute(aRequest('restore_dir', { dir: 'models', from: 'missing' }, { approvalId: 'apr-1' }));
    expect(r.status).toBe('fail');
    expect(r.summary.length).toBeLessThanOrEqual(SUMMARY_CAP_CHARS);
    expect(r.summary.endsWith('[summary cut]')).toBe(true);
    expect(parseAgentMessage(JSON.stringify({ type: 'result', requestId: 'r', result: r })).type).toBe('result');
  });

  it('caps output at 64 kB, keeping the end', () => {
    const big = 'a'.repeat(70 * 1024) + 'THE END';
    const capped = capOutput(big);
    expect(Buffer.byteLength(capped)).toBeLessThanOrEqual(64 * 1024);
    expect(capped.startsWith('[output truncated')).toBe(true);
    expect(capped.endsWith('THE END')).toBe(true);
  });
});

describe('RequestLedger', () => {
  it('survives a torn last line from a crash mid-write, keeping every complete record', async () => {
    host = anAgentConfig();
    const dir = host.path('state');
    const first = new RequestLedger(dir);
    await first.start('req-a', 1);
    await first.finish('req-a', 2, { status: 'ok', summary: 'fine', output: '' });
    await first.close();
    appendFileSync(join(dir, 'executed-requests.jsonl'), '{"id":"req-b","pha');
    const again = new RequestLedger(dir);
    ledgers.push(again);
    expect(again.lookup('req-a')).toMatchObject({ state: 'done', result: { summary: 'fine' } });
    expect(again.has('req-b')).toBe(false);
    await again.start('req-c', 3);
    const third = new RequestLedger(dir);
    ledgers.push(third);
    expect(third.has('req-c')).toBe(true);
  });
});
