import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import { aRequest } from './a-request.js';
import { AGENT_TEST_TOKEN, AgentProcess, anAgentHome } from './agent-process.js';

/** The ledger is pre-filled up to the agent's file-size limit, so its next write fails with EFBIG (as on a full disk). */
const LIMIT_KIB = 16;

describe('a drbot-agent whose ledger cannot be written (real CLI under ulimit -f)', () => {
  let hub: AgentHub;
  let server: Server;
  let agent: AgentProcess;
  let home: ReturnType<typeof anAgentHome>;
  let ledgerFile: string;

  beforeAll(async () => {
    hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(AGENT_TEST_TOKEN) }], log: pino({ level: 'silent' }) });
    server = createServer((_req, res) => res.writeHead(404).end());
    hub.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const root = mkdtempSync(join(tmpdir(), 'drbot-ledger-host-'));
    home = anAgentHome({
      drbot: { url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/agent` },
      stateDir: join(root, 'state'),
      logs: { backend: join(root, 'logs/backend.log') },
      files: { access_db: join(root, 'db/routing.accdb') },
      dirs: { backup: join(root, 'backup') },
      backups: { access_db: { dir: join(root, 'backup'), match: '\\.accdb$' } },
      restoreFiles: { access_db: { backup: 'access_db' } },
    });
    const cleanupHome = home.cleanup;
    home = { ...home, home: root, cleanup: () => (cleanupHome(), rmSync(root, { recursive: true, force: true })) };
    for (const d of ['state', 'logs', 'db', 'backup']) mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
    writeFileSync(join(home.home, 'logs/backend.log'), 'line\n');
    writeFileSync(join(home.home, 'db/routing.accdb'), 'live');
    writeFileSync(join(home.home, 'backup/a.accdb'), 'backup');
    ledgerFile = join(home.home, 'state/executed-requests.jsonl');
    const line = (i: number) => JSON.stringify({ id: `old-${String(i).padStart(6, '0')}`, phase: 'start', at: 1 }) + '\n';
    let text = '';
    for (let i = 0; text.length + line(i).length <= LIMIT_KIB * 1024; i++) text += line(i);
    writeFileSync(ledgerFile, text.padEnd(LIMIT_KIB * 1024, '\n'), { mode: 0o600 });
    agent = new AgentProcess(['--config', home.configPath], { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN }, { fileSizeLimitKiB: LIMIT_KIB });
    await agent.waitForLog('connected to drbot');
  }, 30_000);

  afterAll(async () => {
    agent.kill();
    await agent.exited;
    await hub.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    home.cleanup();
  });

  it('refuses a host change with the reason, runs nothing, stays up and keeps answering', async () => {
    const r = await hub.run(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-1', timeoutMs: 20_000 }));
    expect(r).toMatchObject({ status: 'fail' });
    expect(r.summary).toContain('was not run');
    expect(r.summary).toMatch(/EFBIG|too large/i);
    expect(readFileSync(join(home.home, 'db/routing.accdb'), 'utf8')).toBe('live');
    expect(statSync(ledgerFile).size).toBe(LIMIT_KIB * 1024);

    // Still up, still linked: a read-only probe runs, and a second host change is refused the same way.
    expect(await hub.run(aRequest('log_tail', { log: 'backend' }, { timeoutMs: 20_000 }))).toMatchObject({ status: 'ok', output: 'line' });
    const again = await hub.run(aRequest('restore_file', { file: 'access_db', from: 'latest' }, { approvalId: 'apr-2', timeoutMs: 20_000 }));
    expect(again.summary).toContain('was not run');
    expect(agent.exit).toBeUndefined();
    expect(hub.presence('routing-ml').online).toBe(true);
    // the result travels over the link and the log line over stdout: wait for the second line, then
    // make sure there is no third
    await agent.waitForLog('request refused: the ledger cannot be written', 2);
    expect(agent.count('request refused: the ledger cannot be written')).toBe(2);
  });
});
