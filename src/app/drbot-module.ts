import type { DrbotConfig } from '../config/load-config.js';
import type { HttpServer } from '../http/http-server.js';
import type { Router } from '../router/router.js';
import type { Runtime } from './runtime.js';

/** What a module gets when drbot starts: the runtime, the router, the HTTP server and the configuration. */
export interface AppContext {
  readonly runtime: Runtime;
  readonly router: Router;
  readonly http: HttpServer;
  readonly config: DrbotConfig;
}

/**
 * A part of drbot with a lifecycle (a platform adapter, the scheduler, the agent link). Modules
 * start in the order their declared dependencies give (`startOrder`) after the store is open, and
 * stop in reverse order on shutdown.
 */
export interface DrbotModule {
  readonly name: string;
  /** Modules that must run, and start first; starting without one of them is an error. */
  readonly needs?: readonly string[];
  /** Modules that start first when they run at all (an adapter's page sender before the scheduler's first pass). */
  readonly after?: readonly string[];
  start(app: AppContext): Promise<void>;
  /** Optional: resolves once the module serves (called after the HTTP server listened, or failed to). */
  ready?(): Promise<void>;
  /** Stops taking new work and finishes what is in flight, up to the deadline. */
  stop(deadline: number): Promise<void>;
}
