import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { ACTION_CATALOG } from '../../src/agent/action-catalog.js';
import { AGENT_ACTIONS } from '../../src/agent/actions/index.js';
import { loadAgentConfig, type AgentConfig } from '../../src/agent/agent-config.js';
import { packageRoot } from '../../src/config/package-root.js';
import { allSteps } from '../../src/runbook/find-step.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';

const root = packageRoot();
const demo = loadAgentConfig(join(root, 'config/agent.demo.yaml'));
const pack = loadRunbookPack(join(root, 'runbooks/routing-ml.yaml'));

/** The names the agent config offers for one action parameter. */
function offered(config: AgentConfig, action: string, param: string): readonly (string | number)[] | 'any' {
  const keys = (m: object | undefined) => Object.keys(m ?? {});
  switch (`${action}.${param}`) {
    case 'process_running.name':
      return keys(config.processes);
    case 'env_present.name':
      return config.env;
    case 'process_restart.process':
      return keys(config.restarts);
    case 'restore_file.from':
      return ['latest', 'yesterday'];
    case 'restore_file.file':
      return keys(config.restoreFiles).filter((f) => f in config.files);
    case 'restore_dir.dir':
      return keys(config.restoreDirs).filter((d) => d in config.dirs);
    case 'restore_dir.from':
      return ['previous'];
    case 'firewall_allow.port':
      return config.firewall.allowPorts;
    case 'firewall_rules.source':
      return keys(config.firewall.sources);
    case 'retrain_model.dataset':
      return keys(config.retrain?.datasets);
    case 'retrain_model.name':
    case 'containers.all':
    case 'compose_up_build.no_cache':
    case 'set_read_only_mode.enabled':
    case 'log_tail.lines':
    case 'list_dir.limit':
    case 'container_logs.lines':
      return 'any';
  }
  switch (param) {
    case 'log':
      return keys(config.logs);
    case 'file':
      return keys(config.files);
    case 'dir':
      return keys(config.dirs);
    case 'target':
      return keys(config.targets);
    case 'host':
      return keys(config.hosts);
    case 'share':
      return keys(config.shares);
    case 'backup':
      return keys(config.backups);
    case 'service':
      return config.docker?.services ?? [];
    case 'volume':
      return keys(config.docker?.volumes);
    case 'ref':
      return keys(config.git?.refs);
    case 'port':
      return config.ports;
    case 'path':
      return keys(config.disks);
  }
  throw new Error(`no rule for ${action}.${param}`);
}

const packSteps = pack.types.flatMap((t) => allSteps(t).map((s) => ({ type: t.id, step: s.step })));
const scheduled = [...pack.scheduled.weekly.items, ...pack.scheduled.monthly.items].filter((i) => i.action);

describe('config/agent.demo.yaml resolves every symbolic parameter the Routing ML pack sends', () => {
  it.each(packSteps.filter((s) => s.step.action !== 'manual').map((s) => [`type ${s.type} ${s.step.id}`, s.step] as const))('%s', (_name, step) => {
    const action = AGENT_ACTIONS.get(step.action);
    expect(action).toBeDefined();
    expect(action!.params.safeParse(step.params).success).toBe(true);
    for (const [param, value] of Object.entries(step.params)) {
      const names = offered(demo, step.action, param);
      if (names !== 'any') expect(names).toContain(value);
    }
  });

  it('covers the scheduled checks and the log snapshot too', () => {
    for (const item of scheduled) {
      const action = AGENT_ACTIONS.get(item.action!);
      expect(action?.params.safeParse(item.params ?? {}).success).toBe(true);
      for (const [param, value] of Object.entries(item.params ?? {})) {
        const names = offered(demo, item.action!, param);
        if (names !== 'any') expect(names).toContain(value);
      }
    }
    expect(AGENT_ACTIONS.has('log_snapshot')).toBe(true);
  });

  it('implements every action of the catalog', () => {
    expect([...AGENT_ACTIONS.keys()].sort()).toEqual(Object.keys(ACTION_CATALOG).filter((a) => a !== 'manual').sort());
  });
});
