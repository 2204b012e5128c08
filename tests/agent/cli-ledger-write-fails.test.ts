import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentOnAHub } from '../support/agent-hub-server.js';
import { aRequest } from './a-request.js';

/** The ledger is pre-filled up to the agent's file-size limit, so its next write fails with EFBIG (as on a full disk). */
const LIMIT_KIB = 16;

describe('a drbot-agent whose ledger cannot be written (real CLI under ulimit -f)', () => {
  const link = new AgentOnAHub();
  const { hub } = link;
  let root: string;
  let ledgerFile: string;

  beforeAll(async () => {
    await link.start();
    root = mkdtempSync(join(tmpdir(), 'drbot-ledger-host-'));
    for (const d of ['state', 'logs', 'db', 'backup']) mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
    writeFileSync(join(root, 'logs/backend.log'), 'line\n');
    writeFileSync(join(root, 'db/routing.accdb'), 'live');
    writeFileSync(join(root, 'backup/a.accdb'), 'backup');
    ledgerFile = join(root, 'state/executed-requests.jsonl');
    const line = (i: number) => JSON.stringify({ id: `old-${String(i).padStart(6, '0')}`, phase: 'start', at: 1 }) + '\n';
    let text = '';
    for (let i = 0; text.length + line(i).length <= LIMIT_KIB * 1024; i++) text += line(i);
    writeFileSync(ledgerFile, text.padEnd(LIMIT_KIB * 1024, '\n'), { mode: 0o600 });
    await link.startAgent(
      {
        stateDir: join(root, 'state'),
        logs: { backend: join(root, 'logs/backend.log') },
        files: { access_db: join(root, 'db/routing.accdb') },
        dirs: { backup: join(root, 'backup') },
        backups: { access_db: { dir: join(root, 'backup'), match: '\\.accdb$' } },
        restoreFiles: { access_db: { backup: 'access_db' } },
      },
      {},
      { fileSizeLimitKiB: LIMIT_KIB },
    );
  }, 30_000);

  afterAll(async () => {
    await link.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('refuses a host change with the reason, runs nothing, stays up and keeps answering', async () => {
    const r = await hub.run(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-1', timeoutMs: 20_000 }));
    expect(r).toMatchObject({ status: 'fail' });
    expect(r.summary).toContain('was not run');
    expect(r.summary).toMatch(/EFBIG|too large/i);
    expect(readFileSync(join(root, 'db/routing.accdb'), 'utf8')).toBe('live');
    expect(statSync(ledgerFile).size).toBe(LIMIT_KIB * 1024);

    // Still up, still linked: a read-only probe runs, and a second host change is refused the same way.
    expect(await hub.run(aRequest('log_tail', { log: 'backend' }, { timeoutMs: 20_000 }))).toMatchObject({ status: 'ok', output: 'line' });
    const again = await hub.run(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-2', timeoutMs: 20_000 }));
    expect(again.summary).toContain('was not run');
    expect(link.agent.exit).toBeUndefined();
    expect(hub.presence('routing-ml').online).toBe(true);
    // the result travels over the link and the log line over stdout: wait for the second line, then
    // make sure there is no third
    await link.agent.waitForLog('request refused: the ledger cannot be written', 2);
    expect(link.agent.count('request refused: the ledger cannot be written')).toBe(2);
  });
});
