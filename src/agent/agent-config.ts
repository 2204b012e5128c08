import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors/drbot-error.js';

/** A symbolic name drbot may send: letters, digits, `_` and `-` only. */
const Name = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only');
const Path = z.string().min(1);
const Port = z.number().int().min(1).max(65535);
/** What a process's argv must contain: one string, or several that must all appear. */
/** A drbot agent endpoint. */
const WsUrl = z.string().regex(/^wss?:\/\/[^\s]+$/, 'ws:// or wss:// URL');
const Match = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');
const NameMap = <T extends z.ZodType>(value: T) => z.record(Name, value).default({});

/**
 * A command the agent may run: an executable and an argument array (never a shell string). `{param}`
 * args are replaced by validated values. The child's environment is PATH, the agent's variables
 * named in `passEnv`, and `env` — nothing else is inherited.
 */
const Recipe = z
  .object({
    command: Path,
    args: z.array(z.string()).default([]),
    cwd: Path.optional(),
    env: z.record(z.string(), z.string()).default({}),
    passEnv: z.array(EnvName).default([]),
  })
  .strict();
export type Recipe = z.infer<typeof Recipe>;

/** `agent.yaml`: the only place that names paths, URLs, services, ports and commands on the host. */
export const AgentConfigFile = z
  .object({
    /** Agent id, as listed in drbot's `agents:` config. */
    id: z.string().regex(/^[a-z0-9-]{1,64}$/),
    /** Host name incidents use (the runbook pack's `host`); defaults to the id. */
    host: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/).optional(),
    drbot: z
      .object({
        /** drbot's agent endpoint: ws://host:3000/agent, or wss:// when drbot is behind TLS (one replica, or a load balancer in front of several). */
        url: WsUrl.optional(),
        /**
         * Several drbot replicas' agent endpoints instead of one `url`: the agent connects to one and,
         * when that replica goes away, to the next that answers (its requests are settled there by asking the agent).
         */
        urls: z.array(WsUrl).min(1).max(16).optional(),
        /** Environment variable holding the token (never the token itself). */
        tokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).default('DRBOT_AGENT_TOKEN'),
        /** PEM file of the CA (or self-signed certificate) to trust for a wss:// URL, besides the system's. */
        ca: z.string().min(1).optional(),
        /** Reconnect backoff: the first delay and the cap (seconds; doubled per attempt, jittered ±50 %). */
        reconnect: z
          .object({ minSeconds: z.number().positive().default(0.5), maxSeconds: z.number().positive().default(30) })
          .strict()
          .refine((r) => r.minSeconds <= r.maxSeconds, 'minSeconds must not be above maxSeconds')
          .default({ minSeconds: 0.5, maxSeconds: 30 }),
      })
      .strict()
      .refine((d) => (d.url === undefined) !== (d.urls === undefined), 'give drbot.url (one drbot or a load balancer) or drbot.urls (several replicas), not both')
      .transform((d) => {
        const urls = d.urls ?? [d.url!];
        return { ...d, url: urls[0]!, urls };
      })
      .optional(),
    /**
     * How the service runs on this host: in containers (`docker`), as local processes (`local`), or
     * either (`both`). drbot's card shows the restart steps that fit and keeps the others under
     * "other steps"; left out, every step is shown as fitting.
     */
    deployment: z.enum(['docker', 'local', 'both']).optional(),
    /** Where the executed-request ledger lives. */
    stateDir: Path,
    /** Process names for `process_running`: a name and what its argv must contain. */
    processes: NameMap(z.object({ match: Match }).strict()),
    /** Log files by symbolic name (`log_tail`, `log_sizes`, `log_snapshot`). */
    logs: NameMap(Path),
    /** Ports the agent may probe (`port_listening`, `ports_in_use`) or free (`kill_port_owner`). */
    ports: z.array(Port).default([]),
    /** The procedure's port numbers as this host runs them, e.g. `{ 8000: 18000 }` (default: the same number). */
    portMap: z.record(z.string().regex(/^\d{1,5}$/), Port).default({}),
    /** Health URLs by target name; the answer must be JSON `{"status":"ok"}`. */
    targets: NameMap(z.object({ url: z.string().url(), timeoutMs: z.number().int().positive().default(5000) }).strict()),
    files: NameMap(Path),
    dirs: NameMap(Path),
    /** Environment variables `env_present` may report (always masked). */
    env: z.array(z.string().regex(/^[A-Z_][A-Z0-9_]*$/)).default([]),
    /** Network shares: the mount point to check. */
    shares: NameMap(z.object({ path: Path }).strict()),
    /** Hosts `ping` may reach; `tcpPort` is probed when no ping binary is installed. */
    hosts: NameMap(z.object({ address: z.string().regex(/^[A-Za-z0-9_.:-]{1,253}$/), tcpPort: Port.optional() }).strict()),
    /** Disks by name for `disk_usage` (warn at 80 %, fail at 95 %). */
    disks: NameMap(Path),
    /** Total log size above which `log_sizes` warns. */
    logSizeWarnBytes: z.number().int().positive().default(10 * 1024 ** 3),
    /** Backups by name (`backup_age`, `restore_file … from`): a directory and the file name pattern. */
    backups: NameMap(z.object({ dir: Path, match: z.string().default('.*'), goalHours: z.number().positive().default(24), limitHours: z.number().positive().default(72) }).strict()),
    /** `restore_file`: live file name → backup name it is restored from. */
    restoreFiles: NameMap(z.object({ backup: Name }).strict()),
    /** `restore_dir`: dir name → the live subdirectory; `from: previous` picks the newest other version directory. */
    restoreDirs: NameMap(z.object({ live: Name.default('latest'), versions: z.string().default('^v') }).strict()),
    docker: z
      .object({
        socketPath: Path.default('/var/run/docker.sock'),
        /** compose project whose containers the compose actions touch (label com.docker.compose.project). */
        project: Name.optional(),
        /** compose services drbot may name. */
        services: z.array(Name).default([]),
        /** Volumes `volume_inspect` may read, symbolic → real name. */
        volumes: NameMap(z.string().min(1)),
        /**
         * Per service, a `targets` name `compose_service_restart` waits for after the restart: a container
         * that runs is not yet a service that answers (a predictor loads its model first), and the health
         * check that follows a recovery step would fail on a service still starting.
         */
        readyTargets: NameMap(Name),
      })
      .strict()
      .optional(),
    /** `compose_up_build`: the compose command (e.g. docker compose -f … ) run in its cwd. */
    compose: Recipe.optional(),
    /** `git_checkout`: repository and the commits drbot may name (`stable: <hash>`). */
    git: z.object({ cwd: Path, command: Path.default('git'), refs: NameMap(z.string().regex(/^[0-9a-f]{7,40}$/, 'a commit hash')) }).strict().optional(),
    /** `process_restart`: per process, the recipe, its log, what its argv contains, and an optional health target to wait for. */
    restarts: NameMap(z.object({ recipe: Recipe, log: Path, match: Match, readyTarget: Name.optional() }).strict()),
    /** `set_read_only_mode`: the YAML file and the key path to set. */
    readOnlyMode: z.object({ file: Path, key: z.array(z.string().min(1)).min(1) }).strict().optional(),
    /** `firewall_rules` sources and `firewall_allow` (only the listed ports). */
    firewall: z
      .object({
        sources: NameMap(Recipe),
        allow: Recipe.optional(),
        allowPorts: z.array(Port).default([]),
      })
      .strict()
      .default({ sources: {}, allowPorts: [] }),
    /** `retrain_model`: the recipe (`{dataset}` and `{name}` args) and the datasets it may use. */
    retrain: z.object({ recipe: Recipe, datasets: NameMap(Path) }).strict().optional(),
    /** `log_snapshot`: where `incident_YYYYMMDD_HHMM.log` is written (default `<stateDir>/snapshots`); a directory only the agent can write. */
    snapshotDir: Path.optional(),
    /** Time zone of the snapshot file name. */
    timeZone: z.string().default('Asia/Seoul'),
    /**
     * The fallback pager for when drbot itself is unreachable: after `afterMinutes` without a link to
     * drbot the agent pages through its own channels (email to `emails` via `SMTP_URL`, the webhook
     * of `DRBOT_WEBHOOK_URL`), at most every `repeatMinutes`, and says so when drbot is back.
     * Minutes may be fractions (`0.05` = 3 s).
     */
    watchdog: z
      .object({
        afterMinutes: z.number().positive().max(7 * 24 * 60).default(5),
        repeatMinutes: z.number().positive().max(7 * 24 * 60).default(60),
        emails: z.array(z.string().regex(/^[^\s@<>,;"]{1,64}@[^\s@<>,;"]{1,255}$/, 'an email address')).max(50).default([]),
        /** Sender of the watchdog's email. */
        emailFrom: z.string().min(3).max(200).default('drbot-agent <drbot-agent@localhost>'),
        /** Body of the webhook: drbot's own signed JSON (`DRBOT_WEBHOOK_SECRET`) or a PagerDuty Events v2 event (`DRBOT_PAGERDUTY_ROUTING_KEY`). */
        webhookFormat: z.enum(['drbot', 'pagerduty-v2']).default('drbot'),
      })
      .strict()
      .optional(),
    /**
     * Drills (issue 15): the faults this host accepts, only for a drill incident and each approved
     * like a recovery step; without `drill.faults` the agent refuses them all.
     */
    drill: z
      .object({
        faults: z
          .object({
            stop_process: z.array(Name).optional(),
            stop_container: z.array(Name).optional(),
            corrupt_file: z.array(Name).optional(),
            corrupt_dir: z.array(Name).optional(),
          })
          .strict(),
      })
      .strict()
      .optional(),
    /** Demo only: lay out a small Routing ML-like tree here on start when it is missing. */
    demoHost: Path.optional(),
  })
  .strict();

/** The agent configuration with every path made absolute (relative paths are relative to the config file's directory's parent). */
export type AgentConfig = Omit<z.infer<typeof AgentConfigFile>, 'snapshotDir'> & { host: string; configPath: string; snapshotDir: string };

/** Loads and validates an agent.yaml; relative paths resolve against `base` (default: the file's directory's parent). */
export function loadAgentConfig(path: string, base?: string): AgentConfig {
  if (!existsSync(path)) throw new ConfigError(`agent config ${path} does not exist`, 'pass --config with the path of agent.yaml');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${path}: not valid YAML: ${(err as Error).message}`);
  }
  return parseAgentConfig(raw, path, base ?? resolve(dirname(resolve(path)), '..'));
}

const sameMatch = (a: string | string[], b: string | string[]) => [a].flat().join('\0') === [b].flat().join('\0');

/**
 * The `restarts` entry that starts a `processes` entry again: the one of the same name, else the one
 * matching the same argv (`processes.uvicorn` is usually started by `restarts.backend`, the name the
 * runbook's process_restart step uses). Undefined when none does.
 */
export function restartFor(c: { processes: Record<string, { match: string | string[] }>; restarts: Record<string, { match: string | string[] }> }, process: string): string | undefined {
  if (Object.hasOwn(c.restarts, process)) return process;
  const match = c.processes[process]?.match;
  return match === undefined ? undefined : Object.keys(c.restarts).find((r) => sameMatch(c.restarts[r]!.match, match));
}

/** Fault targets that name nothing the config lists (each fault must be reversible with what the agent knows). */
function drillFaultProblems(c: z.infer<typeof AgentConfigFile>): string[] {
  const f = c.drill?.faults;
  if (!f) return [];
  const cannotStart = (f.stop_process ?? [])
    .filter((n) => Object.hasOwn(c.processes, n) && !restartFor(c, n))
    .map((n) => `drill.faults.stop_process: "${n}" could not be started again: no restarts.${n} and no restarts entry with the same match as processes.${n}`);
  const known: Record<string, string[]> = {
    stop_process: Object.keys(c.processes),
    stop_container: c.docker?.services ?? [],
    corrupt_file: Object.keys(c.files),
    corrupt_dir: Object.keys(c.dirs),
  };
  const where: Record<string, string> = { stop_process: 'processes', stop_container: 'docker.services', corrupt_file: 'files', corrupt_dir: 'dirs' };
  return [
    ...Object.entries(f).flatMap(([kind, names]) => (names ?? []).filter((n) => !known[kind]!.includes(n)).map((n) => `drill.faults.${kind}: "${n}" is not in ${where[kind]}`)),
    ...cannotStart,
  ];
}

/** Validates an agent config object and resolves its relative paths against `base`. */
export function parseAgentConfig(raw: unknown, configPath: string, base: string): AgentConfig {
  const parsed = AgentConfigFile.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n');
    throw new ConfigError(`${configPath} is invalid:\n${lines}`, 'fix the named field and start the agent again');
  }
  const c = parsed.data;
  const unknownReady = Object.entries(c.docker?.readyTargets ?? {}).flatMap(([service, target]) => [
    ...(c.docker!.services.includes(service) ? [] : [`docker.readyTargets: "${service}" is not in docker.services`]),
    ...(Object.hasOwn(c.targets, target) ? [] : [`docker.readyTargets.${service}: "${target}" is not in targets`]),
  ]);
  if (unknownReady.length) throw new ConfigError(`${configPath} is invalid:\n${unknownReady.join('\n')}`, 'name in docker.readyTargets only services and targets the same file lists');
  const unknownFault = drillFaultProblems(c);
  if (unknownFault.length) throw new ConfigError(`${configPath} is invalid:\n${unknownFault.join('\n')}`, 'name in drill.faults only what the same file lists');
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const absMap = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, abs(v)]));
  const absRecipe = <R extends Recipe | undefined>(r: R): R => (r ? { ...r, cwd: r.cwd ? abs(r.cwd) : undefined } : r);
  return {
    ...c,
    host: c.host ?? c.id,
    configPath,
    stateDir: abs(c.stateDir),
    logs: absMap(c.logs),
    files: absMap(c.files),
    dirs: absMap(c.dirs),
    disks: absMap(c.disks),
    shares: Object.fromEntries(Object.entries(c.shares).map(([k, v]) => [k, { path: abs(v.path) }])),
    backups: Object.fromEntries(Object.entries(c.backups).map(([k, v]) => [k, { ...v, dir: abs(v.dir) }])),
    compose: absRecipe(c.compose),
    git: c.git ? { ...c.git, cwd: abs(c.git.cwd) } : undefined,
    restarts: Object.fromEntries(Object.entries(c.restarts).map(([k, v]) => [k, { ...v, recipe: absRecipe(v.recipe), log: abs(v.log) }])),
    readOnlyMode: c.readOnlyMode ? { ...c.readOnlyMode, file: abs(c.readOnlyMode.file) } : undefined,
    retrain: c.retrain ? { recipe: absRecipe(c.retrain.recipe), datasets: absMap(c.retrain.datasets) } : undefined,
    snapshotDir: c.snapshotDir ? abs(c.snapshotDir) : join(abs(c.stateDir), 'snapshots'),
    demoHost: c.demoHost ? abs(c.demoHost) : undefined,
  };
}
