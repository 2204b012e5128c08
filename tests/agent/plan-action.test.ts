import { afterEach, describe, expect, it } from '@jest/globals';
import { ActionExecutor } from '../../src/agent/action-executor.js';
import { rpoVerdict, type HostPlan } from '../../src/agent/actions/plan-action.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { RequestLedger } from '../../src/agent/request-ledger.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from './an-agent-config.js';

let host: AgentConfigBuilder;
let ledger: RequestLedger | undefined;
afterEach(async () => {
  await ledger?.close();
  ledger = undefined;
  host?.cleanup();
});

function plan(params: Record<string, string | number | boolean>) {
  const config = host.build();
  ledger ??= new RequestLedger(config.stateDir);
  return new ActionExecutor(config, createHostTools(config), ledger).execute(aRequest('plan', params));
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

  it('refuses a read-only plan of an action that does not change the host', async () => {
    host = anAgentConfig();
    expect((await plan({ action: 'file_stat', file: 'access_db' })).summary).toContain('not a host-changing action');
  });

  it('says an age against the RPO goal and limit', () => {
    expect(rpoVerdict(2 * HOUR, 24, 72)).toBe('2 h old — within the RPO goal (24 h)');
    expect(rpoVerdict(80 * HOUR, 24, 72)).toBe('80 h old — past the RPO limit (72 h)');
  });
});
