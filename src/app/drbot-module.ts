import type { DrbotConfig } from '../config/load-config.js';
import type { HttpServer } from '../http/http-server.js';
import type { Router } from '../router/router.js';
import type { Core } from './core.js';

/** What a module gets when drbot starts: the core, the router, the HTTP server and the configuration. */
export interface AppContext {
  core: Core;
  router: Router;
  http: HttpServer;
  config: DrbotConfig;
}

/**
 * A part of drbot with a lifecycle (a platform adapter, the scheduler, the agent link). Modules
 * start in order after the store is open and stop in reverse order on shutdown.
 */
export interface DrbotModule {
  readonly name: string;
  start(app: AppContext): Promise<void>;
  /** Optional: resolves once the module serves (called after the HTTP server listened, or failed to). */
  ready?(): Promise<void>;
  /** Stops taking new work and finishes what is in flight, up to the deadline. */
  stop(deadline: number): Promise<void>;
}
