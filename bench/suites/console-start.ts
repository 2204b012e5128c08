import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const RUNS = 7;

/** Time from process spawn to the console's ready line, with a fresh data directory each run. */
function startOnce(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'drbot-bench-start-'));
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(packageRoot(), 'dist/src/cli/drbot.js')], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DRBOT_LANG: 'en' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('console mode did not become ready within 20 s'));
    }, 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('drbot ready')) {
        const ms = performance.now() - started;
        clearTimeout(timer);
        child.stdin.end();
        child.once('exit', () => {
          rmSync(dataDir, { recursive: true, force: true });
          resolve(ms);
        });
      }
    });
  });
}

/** Console-mode start-to-ready time (goal < 1 s). */
export const consoleStart: BenchSuite = {
  name: 'console-start',
  description: `console mode, spawn to ready line, ${RUNS} runs, fresh SQLite file each`,
  async run(): Promise<BenchRow[]> {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(await startOnce());
    const p50 = percentile(times, 50);
    const max = Math.max(...times);
    return [
      { metric: 'start-to-ready p50', value: p50, unit: 'ms', goal: '< 1000', pass: p50 < 1000 },
      { metric: 'start-to-ready max', value: max, unit: 'ms', goal: '< 1000', pass: max < 1000 },
    ];
  },
};
