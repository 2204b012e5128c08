import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** The faults a drill may inject, as `agent.yaml` `drill.faults` lists them. */
export const DRILL_FAULT_KINDS = ['stop_process', 'stop_container', 'corrupt_file', 'corrupt_dir'] as const;
export type DrillFaultKind = (typeof DRILL_FAULT_KINDS)[number];

/** One injected fault: what, for which drill, and what it takes to undo it. */
export const DrillFaultRecord = z.object({
  id: z.string(),
  incidentId: z.string(),
  fault: z.enum(DRILL_FAULT_KINDS),
  target: z.string(),
  at: z.number(),
  /** `injecting` is written before the host changes, so a crash mid-injection still leaves a record to undo. */
  state: z.enum(['injecting', 'in-place', 'undone']),
  /** The live path (files and directories). */
  live: z.string().optional(),
  /** Where the real file or directory was moved aside. */
  aside: z.string().optional(),
  /** The damaged copy's sha256 (file) or digest of its files (directory), to tell whether it is still in place. */
  damagedDigest: z.string().optional(),
  /**
   * `corrupt_dir` of a restorable dir: its restore manifest before the drill (null: none), put back on
   * undo, so a restore during the drill does not leave the next diagnostics checking against the drill's version.
   */
  manifestBefore: z.string().nullable().optional(),
  /** Stopped processes and containers. */
  pids: z.array(z.number()).optional(),
  containers: z.array(z.string()).optional(),
  undoneAt: z.number().optional(),
  undoSummary: z.string().optional(),
});
export type DrillFaultRecord = z.infer<typeof DrillFaultRecord>;

const FileShape = z.object({ faults: z.array(DrillFaultRecord) });

/**
 * What drills changed on this host, in `stateDir/drill-faults.json`: every fault is written (and
 * fsynced) before the host changes and again after, so `drill end` finds everything still in place,
 * across agent restarts and kill -9.
 */
export class DrillFaultLedger {
  private readonly path: string;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.path = join(stateDir, 'drill-faults.json');
  }

  /** Every recorded fault, oldest first. */
  all(): DrillFaultRecord[] {
    if (!existsSync(this.path)) return [];
    return FileShape.parse(JSON.parse(readFileSync(this.path, 'utf8'))).faults;
  }

  /** The faults of one drill that are not undone yet. */
  openFor(incidentId: string): DrillFaultRecord[] {
    return this.all().filter((f) => f.incidentId === incidentId && f.state !== 'undone');
  }

  /** Adds or replaces one record (by id), durably. */
  put(record: DrillFaultRecord): void {
    const faults = this.all().filter((f) => f.id !== record.id);
    faults.push(record);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify({ faults }, null, 1));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
