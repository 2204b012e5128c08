import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rpoVerdict, type HostPlan } from '../../src/agent/actions/plan-action.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

let host: AgentConfigBuilder;
afterEach(async () => {
  await host?.close();
});

function plan(params: Record<string, string | number | boolean>) {
  return host.execute(aRequest('plan', params));
}

const HOUR = 3_600_000;

describe('plan (read-only) on real files', () => {
  it('restore_file: the backup the step would use, its size, time and age against the RPO, and the backups to choose from, newest first', async () => {
    const now = Date.now();
    host = anAgentConfig().file('db/routing.accdb', 'live').file('backup/routing_old.accdb', 'older', now - 80 * HOUR).file('backup/routing_mid.accdb', 'middle', now - 26 * HOUR).file('backup/routing_new.accdb', 'n', now - HOUR);
    const r = await plan({ action: 'restore_file', file: 'access_db', from: 'latest' });
    expect(r.status).toBe('ok');
    const data = r.data as HostPlan;
    expect(data.target).toMatch(/access_db ← .*routing_new\.accdb$/);
    expect(data.facts.find((f) => f.label === 'backup size')!.value).toBe('1 bytes');
    expect(data.choices!.map((c) => c.value)).toEqual(['routing_new.accdb', 'routing_mid.accdb', 'routing_old.accdb']);
    const chosen = (await plan({ action: 'restore_file', file: 'access_db', from: 'latest', choice: 'routing_mid.accdb' })).data as HostPlan;
    expect(chosen.facts.find((f) => f.label === 'backup age')!.value).toBe('26 h old — past the RPO goal (24 h), within the limit (72 h)');
    const bad = await plan({ action: 'restore_file', file: 'access_db', from: 'latest', choice: 'nope.accdb' });
    expect(bad.status).toBe('fail');
    expect(bad.summary).toContain('routing_new.accdb, routing_mid.accdb, routing_old.accdb');
  });

  it('set_read_only_mode: the YAML key and its current value; restore_dir: the version directory and its checksums', async () => {
    host = anAgentConfig()
      .file('config/app.yaml', 'app:\n  read_only: false\n')
      .file('models/v20250901/model.pkl', 'weights')
      .file('models/latest/model.pkl', 'live')
      .with({ readOnlyMode: { file: 'config/app.yaml', key: ['app', 'read_only'] } });
    const ro = (await plan({ action: 'set_read_only_mode', enabled: true })).data as HostPlan;
    expect(ro.facts).toEqual(expect.arrayContaining([{ label: 'current value', value: 'false' }, { label: 'new value', value: 'true' }]));
    const dir = (await plan({ action: 'restore_dir', dir: 'models', from: 'previous' })).data as HostPlan;
    expect(dir.target).toBe('models: v20250901 → latest/');
    expect(dir.facts.find((f) => f.label === 'files')!.value).toMatch(/^model\.pkl sha256 [0-9a-f]{16}…$/);
  });

  it('git_checkout: the commit (hash and subject) the ref resolves to and the commit it replaces, from a real repository', async () => {
    host = anAgentConfig();
    const repo = host.path('repo');
    const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' }).trim();
    mkdirSync(repo, { recursive: true });
    git('init', '-q');
    writeFileSync(join(repo, 'a.txt'), 'one');
    git('add', '.');
    git('commit', '-qm', 'stable release');
    const stable = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'a.txt'), 'two');
    git('commit', '-qam', 'broken change');
    const head = git('rev-parse', 'HEAD');
    host.with({ git: { cwd: 'repo', refs: { stable } } });
    const r = await plan({ action: 'git_checkout', ref: 'stable' });
    expect(r.status).toBe('ok');
    const data = r.data as HostPlan;
    expect(data.facts).toEqual([
      { label: 'commit', value: `${stable} stable release` },
      { label: 'replaces', value: `${head} broken change` },
    ]);
    expect(data.choices).toEqual([{ value: 'stable', label: `stable ${stable.slice(0, 12)}` }]);
    expect(git('rev-parse', 'HEAD')).toBe(head);
  });

  it('process_restart: the pid and argv of each process it would stop, and what it would start; nothing is stopped', async () => {
    const marker = `drbot-plan-test-${process.pid}-${Date.now()}`;
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
    try {
      host = anAgentConfig().with({ restarts: { backend: { recipe: { command: '/bin/true', args: ['again'] }, log: 'logs/backend.log', match: [marker] } } });
      let data: HostPlan | undefined;
      // the child is listed once it has exec'd
      for (let i = 0; i < 100 && !data?.facts[0]?.value.includes(marker); i++) {
        data = (await plan({ action: 'process_restart', process: 'backend' })).data as HostPlan;
        if (!data.facts[0]!.value.includes(marker)) await new Promise((r) => setTimeout(r, 50));
      }
      expect(data!.target).toBe('backend: stop, then start /bin/true');
      expect(data!.facts[0]).toEqual({ label: 'stops', value: `pid ${child.pid} ${process.execPath} -e setInterval(() => {}, 1000) ${marker}` });
      expect(data!.facts[1]).toEqual({ label: 'starts', value: '/bin/true again' });
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses a read-only plan of an action that does not change the host', async () => {
    host = anAgentConfig();
    expect((await plan({ action: 'file_stat', file: 'access_db' })).summary).toContain('not a host-changing action');
  });

  it('says an age against the RPO goal and limit', () => {
    expect(rpoVerdict(2 * HOUR, 24, 72)).toBe('2 h old — within the RPO goal (24 h)');
    expect(rpoVerdict(80 * HOUR, 24, 72)).toBe('80 h old — past the RPO limit (72 h)');
    // Compared exactly, and never printed as the threshold it is past (it read "24 h old — past the RPO goal (24 h)").
    expect(rpoVerdict(24 * HOUR, 24, 72)).toBe('24 h old — within the RPO goal (24 h)');
    expect(rpoVerdict(24 * HOUR + 12 * 60_000 + 30_000, 24, 72)).toBe('24 h 12 min old — past the RPO goal (24 h), within the limit (72 h)');
    expect(rpoVerdict(24 * HOUR + 20_000, 24, 72)).toBe('24 h 0 min 20 s old — past the RPO goal (24 h), within the limit (72 h)');
    expect(rpoVerdict(24 * HOUR + 1, 24, 72)).toBe('24 h 0 min 1 s old — past the RPO goal (24 h), within the limit (72 h)');
    expect(rpoVerdict(72 * HOUR + 5 * 60_000, 24, 72)).toBe('72 h 5 min old — past the RPO limit (72 h)');
    expect(rpoVerdict(26 * HOUR + 59 * 60_000, 24, 72)).toBe('26 h old — past the RPO goal (24 h), within the limit (72 h)');
  });
});
