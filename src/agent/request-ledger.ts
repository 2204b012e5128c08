import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import type { WireResult } from '../agentlink/agent-protocol.js';
import { ConfigError } from '../errors/drbot-error.js';
import { PrivateDirectoryError, privateDirectory } from '../fs/private-directory.js';
import { eachLineOfFile } from './each-line-of-file.js';

/** Where a request id stands in the ledger. */
export type LedgerState = { state: 'running' } | { state: 'done'; result: WireResult } | { state: 'unknown' };

type Line = { id: string; phase: 'start'; at: number } | { id: string; phase: 'end'; at: number; result: WireResult };

/** Where a line sits in the ledger file. */
interface Span {
  offset: number;
  length: number;
}

/** In memory: running, a recent result, the place of an older result in the file, or unknown. */
type Slot = { state: 'running' } | { state: 'done'; result: WireResult; span?: Span; lost?: boolean } | { state: 'on-disk'; span: Span } | { state: 'unknown' };

/** The file operations the ledger uses (node:fs by default); tests pass one whose writes really fail. */
export type LedgerFs = Pick<typeof nodeFs, 'openSync' | 'readSync' | 'writeSync' | 'fstatSync' | 'write' | 'fsync' | 'close'>;

/** Options of the ledger. */
export interface RequestLedgerOptions {
  fs?: LedgerFs;
  /** How many finished requests keep their result in memory (default {@link RESIDENT_RESULTS}). */
  residentResults?: number;
  /** How long an id is remembered after its last line (default {@link LEDGER_RETENTION_MS}). */
  retentionMs?: number;
  /** Lines that no longer count (a start followed by its end, an expired id) before the file is compacted (default {@link COMPACT_AFTER_DEAD_LINES}). */
  compactAfterDeadLines?: number;
  /** The clock retention is measured against (default: the newest time in the ledger, so a host clock set wrong never empties it). */
  now?: () => number;
}

/**
 * Ids are remembered this long after their last line (30 days). drbot never sends a request id
 * again after its run (a retry or re-query comes within the request's timeout), so an older id
 * cannot come back; forgetting it is what keeps the file and the index from growing forever.
 */
export const LEDGER_RETENTION_MS = 30 * 24 * 3_600_000;

/** The file is rewritten once this many of its lines no longer count. */
export const COMPACT_AFTER_DEAD_LINES = 10_000;

/** Results of this many most recent requests stay in memory; older ones are read back from the file when asked for. */
export const RESIDENT_RESULTS = 1000;

/** Output kept per result, in the file and in memory (the tail). */
export const KEPT_OUTPUT = 8 * 1024;

/** A ledger line could not be written or flushed (disk full, I/O error): the record is not durable. */
export class LedgerWriteError extends Error {
  constructor(
    readonly file: string,
    reason: NodeJS.ErrnoException,
  ) {
    super(`cannot write the request ledger ${file}: ${reason.message}`, { cause: reason });
    this.name = 'LedgerWriteError';
  }
}

/**
 * The agent's memory of every request id it has accepted: an append-only JSON-lines file, fsynced
 * after each line, so an id is never run twice across reconnects, retries and restarts. A `start`
 * without an `end` means the agent died mid-run: its outcome is unknown and it is not run again.
 * Lines written while an fsync is in flight share the next one (group commit), so concurrent
 * diagnostics do not queue behind each other's disk flushes. Memory is bounded: every id stays
 * indexed (its file position), but only the most recent results are held; the rest are read back.
 * A write that fails rejects that record's promise and leaves the ledger usable.
 */
export class RequestLedger {
  private readonly entries = new Map<string, Slot>();
  /** Ids whose result is in memory, least recently finished first. */
  private readonly resident = new Set<string>();
  private readonly fs: LedgerFs;
  private readonly limit: number;
  private readonly file: string;
  private end: number;
  /** A failed write may have left part of a line: the next write starts on a fresh line. */
  private torn = false;
  private queue: { line: string; done: (err?: LedgerWriteError, span?: Span) => void }[] = [];
  private flushing?: Promise<void>;
  /** When each id's last line was written (for retention). */
  private readonly lastAt = new Map<string, number>();
  /** Lines in the file that no longer count: superseded starts, torn lines, ids past retention at the last compaction. */
  private dead = 0;
  private fd: number;
  private readonly retentionMs: number;
  private readonly compactAfter: number;
  private readonly now: () => number;
  /** The newest `at` of any line. */
  private newest = 0;

  constructor(dir: string, options: RequestLedgerOptions = {}) {
    this.fs = options.fs ?? nodeFs;
    this.limit = options.residentResults ?? RESIDENT_RESULTS;
    this.retentionMs = options.retentionMs ?? LEDGER_RETENTION_MS;
    this.compactAfter = options.compactAfterDeadLines ?? COMPACT_AFTER_DEAD_LINES;
    this.now = options.now ?? (() => this.newest);
    this.file = join(dir, 'executed-requests.jsonl');
    try {
      privateDirectory(dir);
      this.fd = this.fs.openSync(this.file, nodeFs.constants.O_RDWR | nodeFs.constants.O_APPEND | nodeFs.constants.O_CREAT | nodeFs.constants.O_NOFOLLOW, 0o600);
      if (!this.fs.fstatSync(this.fd).isFile()) throw new Error('not a regular file');
      nodeFs.fchmodSync(this.fd, 0o600);
    } catch (err) {
      if (err instanceof PrivateDirectoryError) throw new ConfigError(`agent.yaml stateDir ${err.message}`, 'the request ledger lives in a directory only the agent user can write');
      throw new ConfigError(`cannot open the request ledger ${this.file}: ${(err as Error).message}`, 'make stateDir in agent.yaml a directory the agent user can write');
    }
    const { size, torn } = eachLineOfFile(this.fd, (raw, offset) => this.load(raw, offset), this.fs.readSync);
    this.end = size;
    this.torn = torn;
    // Forget what is past retention, and rewrite the file at start when much of it no longer counts.
    if (this.expire() > 0 || this.dead >= this.compactAfter) this.compact();
  }

  /** How many ids the ledger remembers (running, finished or cut short). */
  get size(): number {
    return this.entries.size;
  }

  /** True when the id was ever accepted (finished, running or cut short). */
  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** What became of a request id (`unknown` when it was never seen or was cut short by a crash). */
  lookup(id: string): LedgerState {
    const slot = this.entries.get(id);
    if (!slot) return { state: 'unknown' };
    if (slot.state === 'done') return { state: 'done', result: slot.result };
    if (slot.state === 'on-disk') {
      const line = this.readLine(slot.span);
      return line?.phase === 'end' && line.id === id ? { state: 'done', result: line.result } : { state: 'unknown' };
    }
    return slot;
  }

  /** How many results are held in memory (at most the resident limit, plus results still being written). */
  get residentCount(): number {
    return this.resident.size;
  }

  /** Records that a request starts; the id counts as seen at once, and the promise resolves once that is on disk. */
  start(id: string, at: number): Promise<void> {
    this.forget(id);
    if (this.entries.has(id)) this.dead++;
    this.entries.set(id, { state: 'running' });
    this.lastAt.set(id, at);
    this.newest = Math.max(this.newest, at);
    return this.append({ id, phase: 'start', at }).then(() => undefined);
  }

  /** Records how a request ended (resolves once on disk; rejects with LedgerWriteError when it could not be written). */
  finish(id: string, at: number, result: WireResult): Promise<void> {
    const kept: WireResult = { ...result, output: tail(result.output), data: undefined };
    const slot: Slot & { state: 'done' } = { state: 'done', result: kept };
    this.forget(id);
    if (this.entries.has(id)) this.dead++;
    this.entries.set(id, slot);
    this.lastAt.set(id, at);
    this.newest = Math.max(this.newest, at);
    this.resident.add(id);
    this.evict();
    return this.append({ id, phase: 'end', at, result: kept }).then(
      (span) => {
        slot.span = span;
        this.evict();
      },
      (err: unknown) => {
        slot.lost = true;
        this.evict();
        throw err;
      },
    );
  }

  /** Waits for pending lines, then closes the file. */
  async close(): Promise<void> {
    while (this.flushing) await this.flushing;
    await new Promise<void>((resolve) => this.fs.close(this.fd, () => resolve()));
  }

  private load(raw: Buffer, offset: number): void {
    let line: Line;
    try {
      line = JSON.parse(raw.toString('utf8')) as Line;
    } catch {
      this.dead++;
      return; // a torn line from a crash mid-write: that request's start or end is lost, its neighbours are not
    }
    if (typeof line?.id !== 'string') return void this.dead++;
    this.forget(line.id);
    if (this.entries.has(line.id)) this.dead++;
    this.lastAt.set(line.id, typeof line.at === 'number' ? line.at : 0);
    this.newest = Math.max(this.newest, this.lastAt.get(line.id)!);
    if (line.phase !== 'end') {
      this.entries.set(line.id, { state: 'unknown' });
      return;
    }
    this.entries.set(line.id, { state: 'done', result: line.result, span: { offset, length: raw.length } });
    this.resident.add(line.id);
    this.evict();
  }

  private forget(id: string): void {
    this.resident.delete(id);
  }

  /** Moves the oldest results out of memory: written ones to their file position, lost ones to unknown (as a restart would see them). */
  private evict(): void {
    for (const id of this.resident) {
      if (this.resident.size <= this.limit) return;
      const slot = this.entries.get(id);
      if (slot?.state !== 'done') {
        this.resident.delete(id);
        continue;
      }
      if (slot.span) this.entries.set(id, { state: 'on-disk', span: slot.span });
      else if (slot.lost) this.entries.set(id, { state: 'unknown' });
      else return; // still being written: its position is not known yet
      this.resident.delete(id);
    }
  }

  /** Ids whose last line is older than the retention: dropped from the index (their lines become dead). Returns how many. */
  private expire(): number {
    const cutoff = this.now() - this.retentionMs;
    let n = 0;
    for (const [id, at] of this.lastAt) {
      if (at >= cutoff || this.entries.get(id)?.state === 'running') continue;
      this.lastAt.delete(id);
      this.entries.delete(id);
      this.resident.delete(id);
      this.dead++;
      n++;
    }
    return n;
  }

  /**
   * Rewrites the file with one line per remembered id (its end line with the result, or its start
   * line when it is running or was cut short), crash-safe: the new file is written beside the old
   * one, fsynced, renamed over it and the directory fsynced, so a crash at any point leaves either the
   * old file or the new one, never a mix. A failure keeps the old file and carries on with it.
   */
  private compact(): void {
    const next = `${this.file}.compact`;
    let fd: number | undefined;
    try {
      const lines: string[] = [];
      for (const [id, slot] of this.entries) {
        const at = this.lastAt.get(id) ?? 0;
        const state = this.lookup(id);
        if (slot.state === 'running' || state.state !== 'done') lines.push(JSON.stringify({ id, phase: 'start', at }));
        else lines.push(JSON.stringify({ id, phase: 'end', at, result: state.result }));
      }
      const text = lines.length ? lines.join('\n') + '\n' : '';
      fd = this.fs.openSync(next, nodeFs.constants.O_WRONLY | nodeFs.constants.O_CREAT | nodeFs.constants.O_TRUNC | nodeFs.constants.O_NOFOLLOW, 0o600);
      const bytes = Buffer.from(text, 'utf8');
      let written = 0;
      while (written < bytes.length) written += this.fs.writeSync(fd, bytes, written, bytes.length - written);
      nodeFs.fsyncSync(fd);
      nodeFs.closeSync(fd);
      fd = undefined;
      nodeFs.renameSync(next, this.file);
      const dir = nodeFs.openSync(dirname(this.file), 'r');
      try {
        nodeFs.fsyncSync(dir);
      } finally {
        nodeFs.closeSync(dir);
      }
    } catch {
      if (fd !== undefined) nodeFs.closeSync(fd);
      nodeFs.rmSync(next, { force: true });
      return;
    }
    // Read the new file back: every id gets its new position, results beyond the resident limit stay on disk;
    // requests still running (written as their start line) stay running.
    const running = [...this.entries].filter(([, slot]) => slot.state === 'running').map(([id]) => id);
    const old = this.fd;
    this.fd = this.fs.openSync(this.file, nodeFs.constants.O_RDWR | nodeFs.constants.O_APPEND | nodeFs.constants.O_NOFOLLOW, 0o600);
    nodeFs.closeSync(old);
    this.entries.clear();
    this.resident.clear();
    this.lastAt.clear();
    this.dead = 0;
    const { size, torn } = eachLineOfFile(this.fd, (raw, offset) => this.load(raw, offset), this.fs.readSync);
    this.end = size;
    this.torn = torn;
    for (const id of running) this.entries.set(id, { state: 'running' });
  }

  private readLine(span: Span): Line | undefined {
    try {
      const buf = Buffer.alloc(span.length);
      this.fs.readSync(this.fd, buf, 0, span.length, span.offset);
      return JSON.parse(buf.toString('utf8')) as Line;
    } catch {
      return undefined;
    }
  }

  private append(line: Line): Promise<Span> {
    return new Promise((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(line) + '\n', done: (err, span) => (err ? reject(err) : resolve(span!)) });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length) {
      if (this.dead >= this.compactAfter) {
        this.expire();
        this.compact();
      }
      const batch = this.queue;
      this.queue = [];
      const lead = this.torn ? '\n' : '';
      const text = lead + batch.map((b) => b.line).join('');
      const start = this.end;
      try {
        const bytesWritten = await new Promise<number>((resolve, reject) => this.fs.write(this.fd, text, null, 'utf8', (err, n) => (err ? reject(err) : resolve(n))));
        const expected = Buffer.byteLength(text);
        if (bytesWritten !== expected) throw Object.assign(new Error(`short write: ${bytesWritten} of ${expected} bytes`), { code: 'ENOSPC' });
        await new Promise<void>((resolve, reject) => this.fs.fsync(this.fd, (err) => (err ? reject(err) : resolve())));
        this.end = start + expected;
        this.torn = false;
        let at = start + Buffer.byteLength(lead);
        for (const b of batch) {
          const length = Buffer.byteLength(b.line);
          b.done(undefined, { offset: at, length: length - 1 });
          at += length;
        }
      } catch (err) {
        // part of the batch may be in the file: end it before the next line, and find where the file ends now
        this.torn = true;
        try {
          this.end = this.fs.fstatSync(this.fd).size;
        } catch {
          // keep the last known end; the next successful write corrects nothing but its own span
        }
        const failure = new LedgerWriteError(this.file, err as NodeJS.ErrnoException);
        for (const b of batch) b.done(failure);
      }
    }
    this.flushing = undefined;
  }
}

function tail(output: string): string {
  return output.length > KEPT_OUTPUT ? output.slice(-KEPT_OUTPUT) : output;
}
