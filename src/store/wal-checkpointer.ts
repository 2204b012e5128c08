import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * The worker's code, run as a script (`eval`) so it is the same from dist/ and from the TypeScript
 * sources under jest. It opens its own connection to the database file and copies WAL frames into
 * it (`wal_checkpoint(PASSIVE)`: never waits for, nor blocks, drbot's writes) when asked.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
const running = new Int32Array(workerData.running);
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  Atomics.store(running, 0, 1);
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ log: -1, checkpointed: -1, error: String(err && err.message) });
  } finally {
    Atomics.store(running, 0, 0);
    Atomics.notify(running, 0);
  }
});
`;

/** What one checkpoint did: frames in the WAL and frames copied into the database (-1 each when it could not run). */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
  error?: string;
}

/**
 * Checkpoints a SQLite database's WAL from a worker thread, so the copying and the two fsyncs of
 * a checkpoint (5–13 ms per ~1,000 frames on this machine) stop landing on whichever commit
 * crossed SQLite's threshold. The writer's own automatic checkpoint stays, at a higher threshold
 * (src/store/sqlite-store.ts), as the bound on the WAL: SQLite can only start the WAL over when
 * every frame is copied when a write begins, which the worker cannot time, so the writer's own
 * checkpoint finishes what the worker left (a few frames, already mostly synced) and restarts it.
 *
 * The worker starts at the first `nudge()` and never keeps the process alive.
 */
export class WalCheckpointer {
  private worker?: Worker;
  private inFlight = false;
  private pending = false;
  private closed = false;
  /** The worker failed (its connection could not open): checkpoints stay with the writer. */
  private failed = false;
  private readonly listeners = new Set<(r: CheckpointResult) => void>();
  /** 1 while the worker runs a checkpoint (shared memory, so the writer can wait for it without the event loop). */
  private readonly running = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly file: string) {}

  /** Asks for a checkpoint; one runs at a time, and asks made meanwhile make one more. */
  nudge(): void {
    if (this.closed || this.failed) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = true;
    this.start().postMessage('checkpoint');
  }

  /**
   * Waits (blocking, at most `timeoutMs`) until no worker checkpoint is running, and drops asks
   * not yet started: the writer then checkpoints itself without SQLite refusing it as busy.
   */
  settle(timeoutMs: number): void {
    this.pending = false;
    Atomics.wait(this.running, 0, 1, timeoutMs);
  }

  /** Calls `fn` after each checkpoint (tests and diagnostics). */
  onCheckpoint(fn: (r: CheckpointResult) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Stops the worker after the checkpoint it is running, and closes its connection. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = once(worker, 'exit');
    worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 5000)))]);
    clearTimeout(timer);
    if (gaveUp) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, module, running: this.running.buffer } });
    worker.unref();
    worker.on('message', (r: CheckpointResult) => {
      this.inFlight = false;
      for (const fn of this.listeners) fn(r);
      if (this.pending) {
        this.pending = false;
        this.nudge();
      }
    });
    // A worker that cannot run (its connection failed to open) leaves checkpoints to the writer, as before.
    worker.on('error', (err) => {
      this.inFlight = false;
      this.failed = true;
      for (const fn of this.listeners) fn({ log: -1, checkpointed: -1, error: err.message });
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      this.inFlight = false;
    });
    this.worker = worker;
    return worker;
  }
}
