import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import express, { type Express } from 'express';
import type { Logger } from '../logging/create-logger.js';

/** One health probe: a name and whether it is fine, with a short detail. */
export interface HealthCheck {
  name: string;
  /** False for checks of things drbot cannot fix by restarting (agents, platform links): failing, they make `/healthz` `degraded` but still 200. */
  critical?: boolean;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

/** drbot's one HTTP server: platform adapters and the agent link mount their routes on `app` and `server`. */
export class HttpServer {
  readonly app: Express;
  readonly server: Server;
  private readonly checks: HealthCheck[] = [];
  private listening = false;

  /** True when the server speaks HTTPS (and so `wss://` for agents). */
  readonly tls: boolean;

  constructor(
    private readonly log: Logger,
    tls?: { cert: Buffer; key: Buffer },
  ) {
    this.app = express();
    this.app.disable('x-powered-by');
    this.tls = tls !== undefined;
    this.server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, this.app) : createServer(this.app);
    this.app.get('/healthz', async (_req, res) => {
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
      res.status(unhealthy ? 503 : 200).json({ status, checks: Object.fromEntries(results.map((r) => [r.name, { ok: r.ok, critical: r.critical, detail: r.detail }])) });
    });
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
    this.app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      this.log.error({ err }, 'http handler failed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
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
