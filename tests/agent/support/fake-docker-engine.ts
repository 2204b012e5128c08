import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One container as the fake engine keeps it. */
export interface FakeContainer {
  id: string;
  name: string;
  service: string;
  project: string;
  state: 'running' | 'exited';
}

/**
 * A local Docker Engine API on a unix socket, speaking the calls the agent's compose actions make
 * (list with label filters, restart, inspect, stop, start, remove, logs). `hang` makes a call on a container never
 * answer, so a test can watch the agent give up on it; `aborted` records the calls whose client hung up.
 */
export class FakeDockerEngine {
  readonly socketPath: string;
  readonly calls: string[] = [];
  readonly aborted: string[] = [];
  /** `POST /containers/<id>/restart` and the like that never get an answer. */
  readonly hang = new Set<string>();
  /** Bytes of log a container's `/logs` sends (multiplexed frames of one 4 KiB line each), streamed until the client hangs up. */
  readonly logBytes = new Map<string, number>();
  /** Bytes each `/logs` answer really sent before it ended or the client hung up. */
  readonly logSent: number[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'drbot-docker-'));
  private readonly server: Server;

  private constructor(readonly containers: FakeContainer[]) {
    this.socketPath = join(this.dir, 'docker.sock');
    this.server = createServer((req, res) => this.answer(req, res));
  }

  /** Starts an engine holding `containers`. */
  static async start(containers: FakeContainer[]): Promise<FakeDockerEngine> {
    const engine = new FakeDockerEngine(containers);
    await new Promise<void>((r) => engine.server.listen(engine.socketPath, () => r()));
    return engine;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v[\d.]+/, '');
    const call = `${req.method} ${path}`;
    this.calls.push(call);
    const json = (status: number, body?: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
    if (this.hang.has(call)) {
      res.on('close', () => this.aborted.push(call));
      return;
    }
    if (req.method === 'GET' && path === '/containers/json') {
      const filters = JSON.parse(url.searchParams.get('filters') ?? '{}') as { label?: string[] };
      const labels = (c: FakeContainer): Record<string, string> => ({ 'com.docker.compose.project': c.project, 'com.docker.compose.service': c.service });
      const list = this.containers.filter((c) => (filters.label ?? []).every((l) => { const [k, v] = l.split('='); return labels(c)[k!] === v; }));
      return void json(200, list.map((c) => ({ Id: c.id, Names: [`/${c.name}`], Labels: labels(c), State: c.state, Status: c.state === 'running' ? 'Up 1 second' : 'Exited (0)' })));
    }
    const m = /^\/containers\/([^/]+)(?:\/(restart|json|stop|start|logs))?$/.exec(path);
    const c = m ? this.containers.find((x) => x.id === m[1]) : undefined;
    if (!m || !c) return void json(404, { message: `no such container: ${path}` });
    if (req.method === 'POST' && m[2] === 'restart') {
      c.state = 'running';
      return void json(204);
    }
    if (req.method === 'POST' && m[2] === 'start') {
      c.state = 'running';
      return void json(204);
    }
    if (req.method === 'POST' && m[2] === 'stop') {
      c.state = 'exited';
      return void json(204);
    }
    if (req.method === 'GET' && m[2] === 'logs') return this.streamLogs(res, this.logBytes.get(c.id) ?? 0);
    if (req.method === 'GET' && m[2] === 'json') return void json(200, { Id: c.id, Name: `/${c.name}`, State: { Status: c.state, Running: c.state === 'running' } });
    if (req.method === 'DELETE' && !m[2]) {
      this.containers.splice(this.containers.indexOf(c), 1);
      return void json(204);
    }
    json(404, { message: `unsupported: ${call}` });
  }

  /** Streams `total` bytes of stdout frames (4 KiB lines), writing only as fast as the client reads. */
  private streamLogs(res: ServerResponse, total: number): void {
    res.writeHead(200, { 'content-type': 'application/vnd.docker.raw-stream' });
    const line = Buffer.from('x'.repeat(4 * 1024 - 1) + '\n');
    const frame = Buffer.concat([Buffer.from([1, 0, 0, 0]), Buffer.alloc(4), line]);
    frame.writeUInt32BE(line.length, 4);
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      this.logSent.push(sent);
    };
    res.on('close', finish);
    const pump = () => {
      while (sent < total && !res.destroyed) {
        sent += frame.length;
        if (!res.write(frame)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end(finish);
    };
    pump();
  }
}
