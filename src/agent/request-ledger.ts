import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { WireResult } from '../agentlink/agent-protocol.js';

/** Where a request id stands in the ledger. */
export type LedgerState = { state: 'running' } | { state: 'done'; result: WireResult } | { state: 'unknown' };

type Line = { id: string; phase: 'start'; at: number } | { id: string; phase: 'end'; at: number; result: WireResult };

const KEPT_OUTPUT = 8 * 1024;

/**
 * The agent's memory of every request id it has accepted: an append-only JSON-lines file, fsynced
 * after each line, so an id is never run twice across reconnects, retries and restarts. A `start`
 * without an `end` means the agent died mid-run: its outcome is unknown and it is not run again.
 */
export class RequestLedger {
  private readonly entries = new Map<string, LedgerState>();
  private readonly fd: number;
  private readonly running = new Set<string>();

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'executed-requests.jsonl');
    if (existsSync(file)) {
      for (const raw of readFileSync(file, 'utf8').split('\n')) {
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

  /** Records that a request starts (durably, before anything runs). */
  start(id: string, at: number): void {
    this.append({ id, phase: 'start', at });
    this.entries.set(id, { state: 'running' });
    this.running.add(id);
  }

  /** Records how a request ended. */
  finish(id: string, at: number, result: WireResult): void {
    const kept = { ...result, output: result.output.length > KEPT_OUTPUT ? result.output.slice(-KEPT_OUTPUT) : result.output, data: undefined };
    this.append({ id, phase: 'end', at, result: kept });
    this.running.delete(id);
    this.entries.set(id, { state: 'done', result });
  }

  /** Closes the file. */
  close(): void {
    closeSync(this.fd);
  }

  private append(line: Line): void {
    writeSync(this.fd, JSON.stringify(line) + '\n');
    fsyncSync(this.fd);
  }
}
