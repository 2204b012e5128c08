/** One measured quantity: what, the value, its unit, and the goal it is held against. */
export interface BenchRow {
  metric: string;
  value: number;
  unit: string;
  /** Human-readable goal, e.g. "< 1000". */
  goal?: string;
  /** Whether the value meets the goal (undefined when there is none). */
  pass?: boolean;
}

/** A benchmark: it runs, measures, and returns rows; the runner prints them and writes bench/results/<name>.json. */
export interface BenchSuite {
  name: string;
  description: string;
  run(): Promise<BenchRow[]>;
}

/** Percentile (0–100) of a list of numbers. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}
