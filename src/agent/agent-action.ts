import type Docker from 'dockerode';
import type { z } from 'zod';
import type { ActionName } from './action-catalog.js';
import type { WireRequest } from '../agentlink/agent-protocol.js';
import type { AgentConfig } from './agent-config.js';

/** What a finished command left behind. */
export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when it could not start, was killed or exited non-zero. */
  failed: boolean;
}

/** Options for running one command (an executable and an argument array, never a shell string). */
export interface RunOptions {
  cwd?: string;
  /** The recipe's own variables; the child gets these, PATH and `passEnv`, never the agent's whole environment. */
  env?: Record<string, string>;
  /** Names of the agent's environment variables the recipe passes through. */
  passEnv?: readonly string[];
  signal?: AbortSignal;
  /** Called with each output line as it arrives (long-running recipes). */
  onLine?: (line: string) => void;
}

/** Everything an action touches outside its own code, passed in so tests can substitute honest fakes. */
export interface HostTools {
  run(command: string, args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** The Docker Engine API client (dockerode), created on first use. */
  docker(): Docker;
  fetch: typeof fetch;
  /** Copies one regular file to a new path, following no symbolic link, until `signal` aborts; restores go through it (tests inject a failure midway). */
  copyFile(src: string, dst: string, signal?: AbortSignal): Promise<void>;
  /** Root of the proc filesystem (`/proc`). */
  procRoot: string;
  now(): number;
}

/** What an action reports. */
export interface ActionOutcome {
  status: 'ok' | 'warn' | 'fail';
  summary: string;
  output?: string;
  data?: unknown;
}

/** What an action gets while it runs. */
export interface ActionContext {
  config: AgentConfig;
  tools: HostTools;
  signal: AbortSignal;
  request: WireRequest;
  /** Streams one progress line to drbot (the incident thread). */
  progress(line: string): void;
  /**
   * Says the host may be changing from here on, and what an operator should check if the action is
   * cut short now (its timeout, a crash of a call it makes): the result is then `unknown` with this
   * text, never `fail`. Call it again before each step with a different answer.
   */
  changing(check: string): void;
}

/** One host action: its catalog name, its parameter schema, its longest allowed run time, and what it does. */
export interface AgentAction<P = unknown> {
  name: ActionName;
  params: z.ZodType<P>;
  timeoutMs: number;
  run(params: P, ctx: ActionContext): Promise<ActionOutcome>;
}

/** Builds an action with its parameter type inferred from the schema. */
export function defineAction<S extends z.ZodType>(action: { name: ActionName; params: S; timeoutMs: number; run(params: z.infer<S>, ctx: ActionContext): Promise<ActionOutcome> }): AgentAction {
  return action as AgentAction;
}

/** Why the agent refuses a request before running anything. */
export type RefusalCode = 'unknown-action' | 'bad-params' | 'not-allowed' | 'needs-approval' | 'duplicate' | 'ledger-unavailable';

/** Thrown by an action that cannot tell how far its change got (a rollback failed, say): the result is `unknown` and says what to check. */
export class OutcomeUnknown extends Error {
  constructor(
    message: string,
    readonly check: string,
  ) {
    super(message);
    this.name = 'OutcomeUnknown';
  }
}

/** Thrown by an action when a parameter names something the agent config does not allow; nothing was changed. */
export class ActionRefused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
    this.name = 'ActionRefused';
  }
}

/** Resolves a symbolic name through a config map, refusing names the config does not list. */
export function allowed<T>(map: Readonly<Record<string, T>> | undefined, name: string, what: string): T {
  const entries = map ?? {};
  if (!Object.hasOwn(entries, name)) {
    const names = Object.keys(entries);
    throw new ActionRefused('not-allowed', `${what} "${name}" is not in the agent config (${names.length ? `allowed: ${names.join(', ')}` : 'none configured'})`);
  }
  return entries[name] as T;
}

/** Refuses a port the config does not list. */
export function allowedPort(ports: readonly number[], port: number, what = 'port'): number {
  if (!ports.includes(port)) throw new ActionRefused('not-allowed', `${what} ${port} is not in the agent config (allowed: ${ports.join(', ') || 'none'})`);
  return port;
}

/** The port this host really uses for a procedure port number (agent config `portMap`). */
export function hostPort(config: { portMap: Record<string, number> }, port: number): number {
  return config.portMap[String(port)] ?? port;
}

/** Replaces whole `{key}` arguments of a recipe by already-validated values. */
export function fillArgs(args: readonly string[], values: Record<string, string>): string[] {
  return args.map((a) => a.replace(/\{([a-z_]+)\}/g, (m, key: string) => (Object.hasOwn(values, key) ? values[key]! : m)));
}
