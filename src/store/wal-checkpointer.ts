import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Shared state's slots: 1 while the worker runs a checkpoint; 1 while a checkpoint is asked for and not yet started. */
const RUNNING = 0;
const ASKED = 1;

/**
 * The worker's code, run as a script (`eval`) so it is the same from dist/ and from the TypeScript
 * sources under jest. It opens its own connection to the database file and copies WAL frames into
 * it (`wal_checkpoint(PASSIVE)`: never waits for, nor blocks, drbot's writes) when asked.
 */
const WORKER_SOURCE = `
const RUNNING = ${RUNNING}, ASKED = ${ASKED};
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
const state = new Int32Array(workerData.state);
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  // Running before the ask is taken, so a writer that drops the ask (settle) then waits for this run.
  Atomics.store(state, RUNNING, 1);
  if (Atomics.exchange(state, ASKED, 0) === 0) {
    Atomics.store(state, RUNNING, 0);
    Atomics.notify(state, RUNNING);
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ log: -1, checkpointed: -1, error: String(err && err.message) });
  } finally {
    Atomics.store(state, RUNNING, 0);
    Atomics.notify(state, RUNNING);
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
 * The worker starts at `startWorker()` (the store starts it when it opens the file) or else at the
 * first `nudge()`, and never keeps the process alive.
 */
export class WalCheckpointer {
  private worker?: Worker;
  private closed = false;
  /** The worker failed (its connection could not open): checkpoints stay with the writer. */
  private failed = false;
  private readonly listeners = new Set<(r: CheckpointResult) => void>();
  /**
   * RUNNING and ASKED, in shared memory: the writer asks for and waits for checkpoints without its
   * event loop. (A flag cleared by the worker's answer, an event, stayed set through a run of
   * commands that never yielded to the loop, such as 1,000 opens back to back: the worker made one
   * checkpoint and the writer copied the other ~4,000 frames itself each time the WAL passed its
   * bound, 20-60 ms in a single commit.)
   */
  private readonly state = new Int32Array(new SharedArrayBuffer(8));

  constructor(private readonly file: string) {}

  /**
   * Starts the worker now, not at the first ask: starting a thread costs the caller's thread
   * ~5 ms, which otherwise lands on whichever command made the first ask (the 32nd commit).
   */
  startWorker(): void {
    if (this.closed || this.failed) return;
    this.start();
  }

  /** Asks for a checkpoint; one runs at a time, and asks made meanwhile make one more. */
  nudge(): void {
    if (this.closed || this.failed) return;
    // Already asked and not started: that checkpoint will see these frames too.
    if (Atomics.exchange(this.state, ASKED, 1) === 1) return;
    this.start().postMessage('checkpoint');
  }

  /**
   * Waits (blocking, at most `timeoutMs`) until no worker checkpoint is running, and drops asks
   * not yet started: the writer then checkpoints itself without SQLite refusing it as busy.
   */
  settle(timeoutMs: number): void {
    Atomics.store(this.state, ASKED, 0);
    Atomics.wait(this.state, RUNNING, 1, timeoutMs);
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
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: this.file, module, state: this.state.buffer } });
    worker.unref();
    worker.on('message', (r: CheckpointResult) => {
      for (const fn of this.listeners) fn(r);
    });
    // A worker that cannot run (its connection failed to open) leaves checkpoints to the writer, as before.
    worker.on('error', (err) => {
      this.failed = true;
      for (const fn of this.listeners) fn({ log: -1, checkpointed: -1, error: err.message });
    });
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      // A worker ended mid-run (terminated) leaves no flag set for the writer to wait on.
      Atomics.store(this.state, ASKED, 0);
      Atomics.store(this.state, RUNNING, 0);
    });
    this.worker = worker;
    return worker;
  }
}
