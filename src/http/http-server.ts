import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import express, { type Express } from 'express';
import type { Logger } from '../logging/create-logger.js';
import { routeUpgrade, type UpgradeHandler } from './route-upgrade.js';

/**
 * What one client may cost drbot's HTTP server, on every route (Slack, Teams, web, /healthz,
 * /metrics, the agent upgrade). Body limits are per route (the parsers'); these bound the rest.
 */
export const HTTP_LIMITS = {
  /** Request line and headers together (bytes); more is 431 and a closed connection. */
  maxHeaderBytes: 16 * 1024,
  /** A client must finish sending its headers within this (ms); slower ones get 408. */
  headersTimeoutMs: 10_000,
  /** … and its whole request, body included, within this (ms). */
  requestTimeoutMs: 30_000,
  /** A kept-alive connection with no request is closed after this (ms). */
  keepAliveTimeoutMs: 5_000,
  /** A connection with no traffic in either direction is closed after this (ms); live-update streams send a comment every 15 s. */
  idleTimeoutMs: 60_000,
  /** How often the server looks for clients past the header or request deadline (ms). */
  checkIntervalMs: 1_000,
  /** Connections open at once (agents and live-update streams included); more are closed on arrival. */
  maxConnections: 1_000,
  /** Requests one kept-alive connection may send. */
  maxRequestsPerSocket: 1_000,
} as const;

export type HttpLimits = { -readonly [K in keyof typeof HTTP_LIMITS]: number };

function serverOptions(limits: HttpLimits): ServerOptions {
  return {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
  };
}

/** One health probe: a name and whether it is fine, with a short detail. */
export interface HealthCheck {
  name: string;
  /** False for checks of things drbot cannot fix by restarting (agents, platform links): failing, they make `/healthz` `degraded` but still 200. */
  critical?: boolean;
  check(): Promise<{ ok: boolean; detail?: string; data?: Record<string, unknown> }>;
}

/** The body of `/healthz`. */
export interface HealthReport {
  status: 'ok' | 'degraded' | 'unhealthy';
  checks: Record<string, { ok: boolean; critical: boolean; detail?: string } & Record<string, unknown>>;
}

/**
 * Serves one request on a direct route: answers it, or hands it on to `app` (express) with `toExpress`.
 * A rejection is logged and answered 500 (or the connection closed when the answer had begun).
 */
export type DirectHandler = (req: IncomingMessage, res: ServerResponse, toExpress: () => void) => void | Promise<void>;

/**
 * A request path as express routes it (letter case and one trailing slash do not count, the query
 * is not part of it): direct routes, and checks that must see every request a route would get, compare these.
 */
export function routePath(url: string): string {
  const query = url.indexOf('?');
  let path = query >= 0 ? url.slice(0, query) : url;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return path.toLowerCase();
}

/** Answers `status` with `value` as JSON. */
export function sendJson<T>(res: ServerResponse, status: number, value: T, toJson: (value: T) => string | Buffer = JSON.stringify): void {
  const body = toJson(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
}

const routeKey = (method: string | undefined, url: string | undefined) => `${method ?? ''} ${routePath(url ?? '')}`;

/** drbot's one HTTP server: platform adapters and the agent link mount their routes on `app` and `server`. */
export class HttpServer {
  readonly app: Express;
  readonly server: Server;
  private readonly checks: HealthCheck[] = [];
  private readonly upgrades = new Map<string, UpgradeHandler>();
  private readonly directRoutes = new Map<string, DirectHandler>();
  private listening = false;

  /** True when the server speaks HTTPS (and so `wss://` for agents). */
  readonly tls: boolean;

  constructor(
    private readonly log: Logger,
    tls?: { cert: Buffer; key: Buffer },
    /** Tests shorten the timeouts; production uses HTTP_LIMITS. */
    limitOverrides: Partial<HttpLimits> = {},
  ) {
    const limits: HttpLimits = { ...HTTP_LIMITS, ...limitOverrides };
    this.app = express();
    this.app.disable('x-powered-by');
    this.tls = tls !== undefined;
    const serve = (req: IncomingMessage, res: ServerResponse) => this.serve(req, res);
    this.server = tls ? createTlsServer({ ...serverOptions(limits), cert: tls.cert, key: tls.key }, serve) : createServer(serverOptions(limits), serve);
    this.server.maxConnections = limits.maxConnections;
    this.server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
    this.server.setTimeout(limits.idleTimeoutMs, (socket) => socket.destroy());
    // Every upgrade request comes here: only registered paths are served, the rest are refused at once.
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => routeUpgrade(this.upgrades, req, socket, head, log));
    // Requests the parser refuses (malformed, headers past the limit, too slow) get Node's own 400/431/408 and a closed socket.
    this.app.get('/healthz', async (_req, res) => {
      const report = await this.health();
      res.status(report.status === 'unhealthy' ? 503 : 200).json(report);
    });
  }

  /**
   * Serves `method` `path` ahead of express: a platform's webhook, which takes every request a
   * platform sends, skips express's routing (about 130 µs of the main thread per request here,
   * against 70 µs for the HTTP request itself) and hands on to `app` only what it does not serve.
   */
  direct(method: string, path: string, handler: DirectHandler): void {
    this.directRoutes.set(routeKey(method, path), handler);
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const handler = this.directRoutes.size ? this.directRoutes.get(routeKey(req.method, req.url)) : undefined;
    if (!handler) {
      void this.app(req, res);
      return;
    }
    const failed = (err: unknown) => {
      this.log.error({ err }, 'http handler failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    };
    try {
      const done = handler(req, res, () => void this.app(req, res));
      if (done) done.catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  /** Serves HTTP upgrade requests (WebSockets) on exactly `path`; upgrades to any other path are refused. */
  onUpgrade(path: string, handler: UpgradeHandler): void {
    this.upgrades.set(path, handler);
  }

  /** What `/healthz` answers: `ok`, `degraded` (a non-critical check fails; still 200) or `unhealthy` (503), with every check. */
  async health(): Promise<HealthReport> {
    const results = await Promise.all(
      this.checks.map(async (c) => {
        try {
          const r = await withTimeout(c.check(), 2000);
          return { name: c.name, critical: c.critical !== false, ...r };
        } catch (err) {
          return { name: c.name, critical: c.critical !== false, ok: false, detail: (err as Error).message };
        }
      }),
    );
    const unhealthy = results.some((r) => !r.ok && r.critical);
    const status = unhealthy ? 'unhealthy' : results.every((r) => r.ok) ? 'ok' : 'degraded';
    return { status, checks: Object.fromEntries(results.map((r) => [r.name, { ok: r.ok, critical: r.critical, detail: r.detail, ...r.data }])) };
  }

  /** Adds a probe to `/healthz`. */
  addHealthCheck(check: HealthCheck): void {
    this.checks.push(check);
  }

  /** Mounts the final 404 and error handlers (call after every adapter mounted its routes). */
  seal(): void {
    this.app.use((_req, res) => {
      res.status(404).json({ error: 'not found' });
    });
    this.app.use((err: Error & { status?: unknown; statusCode?: unknown; expose?: unknown }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      const status = clientErrorStatus(err);
      if (status) {
        // the client's mistake (bad JSON, a body too large, a malformed path): say so, and log it quietly
        this.log.debug({ status, reason: err.message }, 'http request refused');
        if (!res.headersSent) res.status(status).json({ error: err.expose === true ? err.message : 'bad request' });
        else res.destroy();
        return;
      }
      this.log.error({ err }, 'http handler failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      else res.destroy();
    });
  }

  /** Listens on `port`; resolves with the bound port. */
  listen(port: number, host = '0.0.0.0'): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => {
        this.server.off('listening', onListening);
        reject(err);
      };
      const onListening = () => {
        this.server.off('error', onError);
        this.listening = true;
        const addr = this.server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(port, host);
    });
  }

  /** Stops accepting connections and closes the open ones. */
  async close(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      setTimeout(() => this.server.closeAllConnections(), 2000).unref();
    });
  }
}

/** The 4xx status an error carries (body-parser, express's path decoding), or undefined for drbot's own failures. */
function clientErrorStatus(err: { status?: unknown; statusCode?: unknown }): number | undefined {
  const status = typeof err.status === 'number' ? err.status : typeof err.statusCode === 'number' ? err.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 ? status : undefined;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
