import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import type { Logger } from '../logging/create-logger.js';
import type { HttpServer } from './http-server.js';

/** Longest one heartbeat call may take. */
const CALL_LIMIT_MS = 10_000;

/**
 * The outbound heartbeat: every `heartbeat.intervalSeconds` (default 60) while drbot is healthy —
 * `/healthz` would answer 200 (`ok` or `degraded`) — it calls `DRBOT_HEARTBEAT_URL` (GET, or a
 * POST with `{"status", "at"}`), so a push monitor that alerts on silence catches a drbot that died
 * with its host. A failed call is logged (with the receiver's host only: push URLs hold a token)
 * and the next one comes on time; nothing here can stop drbot. `/healthz` shows the last success
 * under `checks.heartbeat`.
 */
export class HeartbeatModule implements DrbotModule {
  readonly name = 'heartbeat';
  private http?: HttpServer;
  private log?: Logger;
  private url = '';
  private host = '';
  private method: 'GET' | 'POST' = 'GET';
  private intervalMs = 60_000;
  private timer?: NodeJS.Timeout;
  private nextAt = 0;
  private beating?: Promise<void>;
  private readonly stopping = new AbortController();
  private lastSuccessAt?: number;
  private lastFailure?: { at: number; reason: string };

  async start(app: AppContext): Promise<void> {
    const { url, intervalSeconds, method } = app.config.heartbeat;
    if (!url) return;
    this.http = app.http;
    this.log = app.runtime.log;
    this.url = url;
    this.host = new URL(url).host;
    this.method = method;
    this.intervalMs = intervalSeconds * 1000;
    app.http.addHealthCheck({ name: 'heartbeat', critical: false, check: async () => this.status() });
    this.log.info({ to: this.host, intervalSeconds, method }, 'heartbeat set up');
  }

  /** The first beat goes out once drbot serves; then one per interval, on a fixed rate. */
  async ready(): Promise<void> {
    if (!this.http || this.stopping.signal.aborted) return;
    this.nextAt = Date.now();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.beating;
  }

  private schedule(): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.beating = this.beat().finally(() => {
        this.beating = undefined;
        // a beat that took longer than the interval is not followed by a burst of catch-up beats
        this.nextAt = Math.max(this.nextAt + this.intervalMs, Date.now());
        this.schedule();
      });
    }, Math.max(0, this.nextAt - Date.now()));
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const http = this.http!;
    try {
      const health = await http.health();
      if (health.status === 'unhealthy') {
        const failing = Object.entries(health.checks).filter(([, c]) => !c.ok && c.critical).map(([name]) => name);
        this.fail(`skipped: drbot is unhealthy (${failing.join(', ')})`);
        return;
      }
      const at = new Date().toISOString();
      const post = this.method === 'POST';
      const res = await fetch(this.url, {
        method: this.method,
        headers: { 'user-agent': 'drbot', ...(post ? { 'content-type': 'application/json' } : {}) },
        body: post ? JSON.stringify({ status: health.status, at }) : undefined,
        signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(Math.min(this.intervalMs, CALL_LIMIT_MS))]),
      });
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) return this.fail(`${this.host} answered HTTP ${res.status}`);
      this.lastSuccessAt = Date.now();
      this.log?.debug({ to: this.host, status: health.status }, 'heartbeat sent');
    } catch (err) {
      if (this.stopping.signal.aborted) return;
      const e = err as Error & { cause?: { code?: string; message?: string } };
      const reason = e.name === 'TimeoutError' ? `no answer within ${Math.min(this.intervalMs, CALL_LIMIT_MS)} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
      this.fail(`${this.host}: ${String(reason).slice(0, 200)}`);
    }
  }

  private fail(reason: string): void {
    const repeated = this.lastFailure?.reason === reason;
    this.lastFailure = { at: Date.now(), reason };
    // the same failure every interval is one warning, then debug lines until something changes
    if (repeated) this.log?.debug({ to: this.host, reason }, 'heartbeat not delivered');
    else this.log?.warn({ to: this.host, reason }, 'heartbeat not delivered; drbot carries on and tries again next interval');
  }

  private status(): { ok: boolean; detail: string; data: Record<string, unknown> } {
    const lastSuccessAt = this.lastSuccessAt === undefined ? null : new Date(this.lastSuccessAt).toISOString();
    const failing = this.lastFailure !== undefined && (this.lastSuccessAt === undefined || this.lastFailure.at > this.lastSuccessAt);
    const detail = [
      lastSuccessAt ? `last success ${lastSuccessAt} (${this.host}, every ${this.intervalMs / 1000} s)` : `no success yet (${this.host}, every ${this.intervalMs / 1000} s)`,
      failing ? `last attempt failed: ${this.lastFailure!.reason}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return { ok: !failing, detail, data: { lastSuccessAt, ...(failing ? { lastFailureAt: new Date(this.lastFailure!.at).toISOString() } : {}) } };
  }
}
