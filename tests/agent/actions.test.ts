import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotName } from '../../src/agent/actions/log-snapshot.js';
import { startEndlessBodyServer } from '../support/endless-body-server.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

let host: AgentConfigBuilder;
let server: Server;
let port: number;
let healthBody = '{"status":"ok"}';

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url === '/api/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(healthBody);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
afterEach(async () => {
  await host?.close();
});

function run(action: string, params: Record<string, string | number | boolean> = {}, approvalId?: string) {
  return host.execute(aRequest(action, params, { approvalId }));
}

describe('diagnostics against this machine', () => {
  it('port_listening sees a real listening socket in /proc/net/tcp, and a closed port', async () => {
    host = anAgentConfig().with({ ports: [port, 1] });
    expect(await run('port_listening', { port })).toMatchObject({ status: 'ok' });
    expect(await run('port_listening', { port: 1 })).toMatchObject({ status: 'fail', summary: 'port 1: closed (nothing listening)' });
  });

  it('ports_in_use names this test process as the owner', async () => {
    host = anAgentConfig().with({ ports: [port] });
    const r = await run('ports_in_use', { port });
    expect(r.status).toBe('warn');
    expect(r.summary).toContain(`pid ${process.pid}`);
  });

  it('http_health passes only on {"status":"ok"}', async () => {
    host = anAgentConfig().with({ targets: { backend: { url: `http://127.0.0.1:${port}/api/health` } } });
    expect(await run('http_health', { target: 'backend' })).toMatchObject({ status: 'ok' });
    healthBody = '{"status":"degraded"}';
    try {
      expect(await run('http_health', { target: 'backend' })).toMatchObject({ status: 'fail', summary: expect.stringContaining('status "degraded"') });
    } finally {
      healthBody = '{"status":"ok"}';
    }
  });

  it('http_health reads at most 4 kB of an answer that never ends, and says so', async () => {
    const endless = await startEndlessBodyServer();
    try {
      host = anAgentConfig().with({ targets: { backend: { url: endless.url, timeoutMs: 60_000 } } });
      const r = await run('http_health', { target: 'backend' });
      expect(r).toMatchObject({ status: 'fail', summary: expect.stringContaining('body is over 4096 bytes') });
      expect(Buffer.byteLength(r.output)).toBeLessThanOrEqual(4096);
      await endless.clientHungUp;
      expect(endless.finished()).toBe(false);
    } finally {
      await endless.close();
    }
  });

  it('process_running reads argv from /proc: finds a running process by its arguments, fails when none runs', async () => {
    const marker = `drbot-probe-${process.pid}`;
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', marker], { stdio: 'ignore' });
    await once(child, 'spawn');
    try {
      host = anAgentConfig().with({ processes: { probe: { match: ['-e', marker] }, ghost: { match: 'no-such-process-drbot' } } });
      const found = await run('process_running', { name: 'probe' });
      expect(found).toMatchObject({ status: 'ok', data: { pids: [child.pid] } });
      expect((await run('process_running', { name: 'ghost' })).status).toBe('fail');
      expect(await run('process_running', { name: 'sshd-not-configured' })).toMatchObject({ refused: 'not-allowed' });
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('list_dir lists newest first and env_present masks the value', async () => {
    const now = Date.now();
    host = anAgentConfig().file('backup/old.accdb', 'a', now - 86_400_000).file('backup/new.accdb', 'b', now).with({ env: ['ACCESS_CONNECTION_STRING'] });
    const listed = await run('list_dir', { dir: 'backup', limit: 5 });
    expect(listed.data).toEqual({ entries: ['new.accdb', 'old.accdb'] });
    process.env.ACCESS_CONNECTION_STRING = 'Driver={Access};Dbq=C:\\secret.accdb;Pwd=hunter2';
    try {
      const env = await run('env_present', { name: 'ACCESS_CONNECTION_STRING' });
      expect(env.status).toBe('ok');
      expect(env.summary).not.toContain('hunter2');
      expect(env.output).not.toContain('secret');
    } finally {
      delete process.env.ACCESS_CONNECTION_STRING;
    }
  });

  it('backup_age holds the newest backup against the RPO goal', async () => {
    host = anAgentConfig().file('backup/routing.accdb', 'x', Date.now() - 30 * 3600_000);
    expect(await run('backup_age', { backup: 'access_db' })).toMatchObject({ status: 'warn', summary: expect.stringContaining('goal 24 h') });
  });

  it('log_snapshot writes incident_YYYYMMDD_HHMM.log with the diagnostics and log tails', async () => {
    host = anAgentConfig().file('logs/backend.log', 'ERROR boom\n').with({ ports: [port] });
    const r = await run('log_snapshot');
    const file = (r.data as { file: string }).file;
    expect(file).toMatch(/incident_\d{8}_\d{4}\.log$/);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('## processes');
    expect(text).toContain(`${port}: listening`);
    expect(text).toContain('ERROR boom');
    expect(snapshotName(Date.UTC(2026, 10, 24, 1, 5), 'Asia/Seoul')).toBe('incident_20261124_1005.log');
  });

  it('log_snapshot writes a new 0600 file in a directory only the agent can write, never appending to one already there', async () => {
    const at = Date.UTC(2026, 10, 24, 1, 5);
    host = anAgentConfig().file('logs/backend.log', 'line\n').with({ snapshotDir: undefined });
    const config = host.build();
    expect(config.snapshotDir).toBe(join(config.stateDir, 'snapshots'));
    const snapshot = () => host.execute(aRequest('log_snapshot'), { tools: { now: () => at } });
    const first = (await snapshot()).data as { file: string };
    expect(first.file).toBe(join(config.snapshotDir, 'incident_20261124_1005.log'));
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    expect(statSync(config.snapshotDir).mode & 0o777).toBe(0o700);
    const second = (await snapshot()).data as { file: string };
    expect(second.file).toBe(join(config.snapshotDir, 'incident_20261124_1005-2.log'));
    expect(readFileSync(first.file, 'utf8').match(/# incident snapshot/g)).toHaveLength(1);
  });

  it('log_snapshot in a shared sticky directory like /tmp uses a private subdirectory, and refuses one that someone else prepared', async () => {
    const at = Date.UTC(2026, 10, 24, 1, 5);
    host = anAgentConfig().with({ snapshotDir: 'shared' });
    mkdirSync(host.path('shared'));
    chmodSync(host.path('shared'), 0o1777);
    const snapshot = () => host.execute(aRequest('log_snapshot'), { tools: { now: () => at } });
    const r = await snapshot();
    const own = host.path(`shared/drbot-agent-${process.getuid!()}`);
    expect((r.data as { file: string }).file).toBe(join(own, 'incident_20261124_1005.log'));
    expect(statSync(own).mode & 0o777).toBe(0o700);

    // someone else made the private name first, open to all: refused, nothing written
    rmSync(own, { recursive: true });
    mkdirSync(own);
    chmodSync(own, 0o777);
    const refused = await snapshot();
    expect(refused).toMatchObject({ status: 'fail', summary: expect.stringContaining('is open to other users (mode 777)') });
    expect(readdirSync(own)).toEqual([]);
  });
});

describe('host changes', () => {
  it('set_read_only_mode edits the YAML key and keeps its comments, with the old file aside', async () => {
    const yaml = '# backend settings\napp:\n  # keep predictions running during a DB restore\n  read_only: false # toggled by drbot\n  workers: 2\n';
    host = anAgentConfig().file('config/app.yaml', yaml).with({ readOnlyMode: { file: 'config/app.yaml', key: ['app', 'read_only'] } });
    const r = await run('set_read_only_mode', { enabled: true }, 'apr-ro');
    expect(r.status).toBe('ok');
    const after = readFileSync(host.path('config/app.yaml'), 'utf8');
    expect(after).toContain('# keep predictions running during a DB restore');
    expect(after).toContain('read_only: true');
    expect(after).toContain('workers: 2');
    const aside = /previous file kept at (\S+)/.exec(r.summary)![1]!;
    expect(existsSync(aside) && readFileSync(aside, 'utf8')).toBe(yaml);
  });

  it('firewall_allow opens only ports the config lists', async () => {
    host = anAgentConfig().with({ firewall: { allowPorts: [8000], allow: { command: '/bin/true', args: ['{port}/tcp'] } } });
    expect(await run('firewall_allow', { port: 22 }, 'apr-fw')).toMatchObject({ refused: 'not-allowed' });
    expect(await run('firewall_allow', { port: 8000 }, 'apr-fw2')).toMatchObject({ status: 'ok', summary: 'allow 8000: done' });
  });

  it('retrain_model streams the recipe output line by line', async () => {
    host = anAgentConfig()
      .file('data/train.csv', 'a,b\n')
      .with({ retrain: { recipe: { command: process.execPath, args: ['-e', 'for (const l of ["epoch 1/2", "epoch 2/2"]) console.log(l); console.log(process.argv[1], process.argv[2])', '{dataset}', '{name}'] }, datasets: { training: 'data/train.csv' } } });
    const lines: string[] = [];
    const r = await host.execute(aRequest('retrain_model', { dataset: 'training', name: 'emergency-retrain' }, { approvalId: 'apr-rt' }), { onProgress: (l) => lines.push(l) });
    expect(r.status).toBe('ok');
    expect(lines).toEqual(['epoch 1/2', 'epoch 2/2', `${host.path('data/train.csv')} emergency-retrain`]);
  });
});
