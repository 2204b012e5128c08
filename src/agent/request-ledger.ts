import { close, existsSync, fsync, mkdirSync, openSync, readFileSync, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import type { WireResult } from '../agentlink/agent-protocol.js';

/** Where a request id stands in the ledger. */
export type LedgerState = { state: 'running' } | { state: 'done'; result: WireResult } | { state: 'unknown' };

type Line = { id: string; phase: 'start'; at: number } | { id: string; phase: 'end'; at: number; result: WireResult };

const KEPT_OUTPUT = 8 * 1024;
const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);
const closeAsync = promisify(close);

/**
 * The agent's memory of every request id it has accepted: an append-only JSON-lines file, fsynced
 * after each line, so an id is never run twice across reconnects, retries and restarts. A `start`
 * without an `end` means the agent died mid-run: its outcome is unknown and it is not run again.
 * Lines written while an fsync is in flight share the next one (group commit), so concurrent
 * diagnostics do not queue behind each other's disk flushes.
 */
export class RequestLedger {
  private readonly entries = new Map<string, LedgerState>();
  private readonly fd: number;
  private readonly running = new Set<string>();
  private queue: { line: string; done: (err?: unknown) => void }[] = [];
  private flushing?: Promise<void>;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'executed-requests.jsonl');
    let torn = false;
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      torn = text.length > 0 && !text.endsWith('\n');
      for (const raw of text.split('\n')) {
        if (!raw.trim()) continue;
        try {
          const line = JSON.parse(raw) as Line;
          this.entries.set(line.id, line.phase === 'end' ? { state: 'done', result: line.result } : { state: 'unknown' });
        } catch {
          // a torn last line from a crash mid-write: that request's start or end is lost, its neighbours are not
        }
      }
    }
    this.fd = openSync(file, 'a');
    // end a torn line so the next record starts on a line of its own
    if (torn) writeSync(this.fd, '\n');
  }

  /** True when the id was ever accepted (finished, running or cut short). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** What became of a request id (`unknown` when it was never seen or was cut short by a crash). */
  lookup(id: string): LedgerState {
    if (this.running.has(id)) return { state: 'running' };
    return this.entries.get(id) ?? { state: 'unknown' };
  }

  /** Records that a request starts; the id counts as seen at once, and the promise resolves once that is on disk. */
  start(id: string, at: number): Promise<void> {
    this.entries.set(id, { state: 'running' });
    this.running.add(id);
    return this.append({ id, phase: 'start', at });
  }

  /** Records how a request ended (resolves once on disk). */
  finish(id: string, at: number, result: WireResult): Promise<void> {
    const kept = { ...result, output: result.output.length > KEPT_OUTPUT ? result.output.slice(-KEPT_OUTPUT) : result.output, data: undefined };
    this.running.delete(id);
    this.entries.set(id, { state: 'done', result });
    return this.append({ id, phase: 'end', at, result: kept });
  }

  /** Waits for pending lines, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await closeAsync(this.fd);
  }

  private append(line: Line): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(line) + '\n', done: (err) => (err ? reject(err) : resolve()) });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
      try {
        await writeAsync(this.fd, batch.map((b) => b.line).join(''));
        await fsyncAsync(this.fd);
        for (const b of batch) b.done();
      } catch (err) {
        for (const b of batch) b.done(err);
      }
    }
    this.flushing = undefined;
  }
}
