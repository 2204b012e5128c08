import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/config/package-root.js';
import type { BenchSuite } from './bench-suite.js';
import { SUITES } from './suites/index.js';

/** Runs every benchmark suite (or those named on the command line), prints a table, writes JSON results. */
async function main(names: string[]): Promise<void> {
  const suites: BenchSuite[] = names.length ? SUITES.filter((s) => names.includes(s.name)) : SUITES;
  const dir = join(packageRoot(), 'bench/results');
  mkdirSync(dir, { recursive: true });
  for (const suite of suites) {
    process.stdout.write(`\n## ${suite.name} — ${suite.description}\n`);
    const started = Date.now();
    const rows = await suite.run();
    const table = rows.map((r) => ({ metric: r.metric, value: Number(r.value.toFixed(3)), unit: r.unit, goal: r.goal ?? '', pass: r.pass === undefined ? '' : r.pass ? 'yes' : 'NO' }));
    console.table(table);
    writeFileSync(join(dir, `${suite.name}.json`), JSON.stringify({ suite: suite.name, description: suite.description, at: new Date().toISOString(), node: process.version, durationMs: Date.now() - started, rows }, null, 2) + '\n');
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
