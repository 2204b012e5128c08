/**
 * The contract between runbook packs, drbot and the host agent: every action name the agent
 * knows, whether it changes the host, and the symbolic parameters it takes. Packs may only
 * name these actions (or `manual` for a step a person does by hand); the agent resolves every
 * symbolic parameter from its own config and refuses anything its config does not list.
 */
export interface ActionSpec {
  /** True when running the action changes the host. */
  readonly mutates: boolean;
  /** Destructive by nature (needs a second approver whatever the pack says). */
  readonly destructive?: boolean;
  /** Parameter names the action accepts, all symbolic (names the agent config resolves) or scalar. */
  readonly params: readonly string[];
}

/** Every action the host agent implements, by name. */
export const ACTION_CATALOG = {
  // Read-only diagnostics
  process_running: { mutates: false, params: ['name'] },
  log_tail: { mutates: false, params: ['log', 'lines'] },
  port_listening: { mutates: false, params: ['port'] },
  http_health: { mutates: false, params: ['target'] },
  file_stat: { mutates: false, params: ['file'] },
  file_checksum: { mutates: false, params: ['file'] },
  /** A file's format signature and its size against the newest backup. */
  file_integrity: { mutates: false, params: ['file'] },
  /** The live version directory's checksums against the version it came from (the restore's manifest or the matching version directory). */
  version_dir_verify: { mutates: false, params: ['dir'] },
  list_dir: { mutates: false, params: ['dir', 'limit'] },
  env_present: { mutates: false, params: ['name'] },
  network_share: { mutates: false, params: ['share'] },
  ping: { mutates: false, params: ['host'] },
  ip_routes: { mutates: false, params: [] },
  firewall_rules: { mutates: false, params: ['source'] },
  containers: { mutates: false, params: ['all'] },
  container_logs: { mutates: false, params: ['service', 'lines'] },
  volume_inspect: { mutates: false, params: ['volume'] },
  ports_in_use: { mutates: false, params: ['port'] },
  disk_usage: { mutates: false, params: ['path'] },
  log_sizes: { mutates: false, params: [] },
  backup_age: { mutates: false, params: ['backup'] },
  log_snapshot: { mutates: false, params: [] },
  // Restores the newest backup into a scratch directory, checks it, deletes the copy (nothing live changes)
  backup_restore_test: { mutates: false, params: ['backup'] },
  /** What a host-changing action would do here and now (read-only); takes that action's name and params, and an optional choice. */
  plan: { mutates: false, params: ['action', 'choice'] },
  // Recovery (need an approval)
  compose_service_restart: { mutates: true, params: ['service'] },
  process_restart: { mutates: true, params: ['process'] },
  restore_file: { mutates: true, params: ['file', 'from'] },
  restore_dir: { mutates: true, params: ['dir', 'from'] },
  set_read_only_mode: { mutates: true, params: ['enabled'] },
  git_checkout: { mutates: true, params: ['ref'] },
  compose_up_build: { mutates: true, params: ['service', 'no_cache'] },
  compose_down: { mutates: true, params: [] },
  remove_all_containers: { mutates: true, destructive: true, params: [] },
  kill_port_owner: { mutates: true, destructive: true, params: ['port'] },
  firewall_allow: { mutates: true, params: ['port'] },
  retrain_model: { mutates: true, params: ['dataset', 'name'] },
  // Drills only (issue 15): a reversible fault from the host's drill.faults, and undoing every fault of a drill
  drill_fault: { mutates: true, params: ['fault', 'target'] },
  drill_undo: { mutates: true, params: [] },
  // A step a person does by hand (call the IT team, switch users to localhost); approving it records it as done.
  manual: { mutates: false, params: [] },
} as const satisfies Record<string, ActionSpec>;

/** Name of an action in the catalog. */
export type ActionName = keyof typeof ACTION_CATALOG;

/** True when `name` is an action the agent implements (or `manual`). */
export function isKnownAction(name: string): name is ActionName {
  return Object.hasOwn(ACTION_CATALOG, name);
}
