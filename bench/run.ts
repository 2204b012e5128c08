import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../src/config/package-root.js';
import type { BenchSuite } from './bench-suite.js';
import { SUITES } from './suites/index.js';

/** Runs one suite in this process, prints its table and writes bench/results/<name>.json. */
async function runSuite(suite: BenchSuite): Promise<void> {
  const dir = join(packageRoot(), 'bench/results');
  mkdirSync(dir, { recursive: true });
  process.stdout.write(`\n## ${suite.name} — ${suite.description}\n`);
  const started = Date.now();
  const rows = await suite.run();
  const table = rows.map((r) => ({ metric: r.metric, value: Number(r.value.toFixed(3)), unit: r.unit, goal: r.goal ?? '', pass: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO' }));
  console.table(table);
  writeFileSync(join(dir, `${suite.name}.json`), JSON.stringify({ suite: suite.name, description: suite.description, at: new Date().toISOString(), node: process.version, durationMs: Date.now() - started, rows }, null, 2) + '\n');
}

/**
 * Runs every benchmark suite (or those named on the command line), each in a process of its own,
 * so one suite's heap, retained memory and JIT state do not show in the next one's numbers (the
 * ladder's peak RSS read 60 MB more after the Teams suite than alone); stops at the first that fails.
 */
async function main(args: string[]): Promise<void> {
  if (args[0] === '--in-process') {
    const suite = SUITES.find((s) => s.name === args[1]);
    if (!suite) throw new Error(`no benchmark suite named ${args[1]}`);
    await runSuite(suite);
    return;
  }
  const unknown = args.filter((n) => !SUITES.some((s) => s.name === n));
  if (unknown.length) throw new Error(`no benchmark suite named ${unknown.join(', ')}; suites: ${SUITES.map((s) => s.name).join(', ')}`);
  const suites = args.length ? SUITES.filter((s) => args.includes(s.name)) : SUITES;
  for (const suite of suites) {
    execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--in-process', suite.name], { stdio: 'inherit' });
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
