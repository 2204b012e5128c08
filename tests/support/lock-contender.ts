import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';

const BUILT_LOCK = join(packageRoot(), 'dist/src/store/data-dir-lock.js');

/**
 * A real process that tries to take the lock when it reads "go" on stdin (printing `trying` first),
 * prints `got` or `busy: <message>`, and holds what it got until it is killed.
 */
export class LockContender {
  readonly child: ChildProcessWithoutNullStreams;
  out = '';
  readonly exited: Promise<unknown>;

  constructor(dataDir: string) {
    if (!existsSync(BUILT_LOCK)) throw new Error(`${BUILT_LOCK} is missing: run npm run build first`);
    const script = `
      import { DataDirLock } from ${JSON.stringify(BUILT_LOCK)};
      process.stdin.once('data', () => {
        console.log('trying');
        try { DataDirLock.acquire(${JSON.stringify(dataDir)}, 'drbot'); console.log('got'); }
        catch (err) { console.log('busy: ' + err.message); }
      });
      console.log('ready');`;
    this.child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.exited = new Promise((r) => this.child.on('exit', r));
  }

  /** Resolves once stdout matches `pattern`. */
  async until(pattern: RegExp): Promise<void> {
    for (let i = 0; i < 400 && !pattern.test(this.out); i++) await new Promise((r) => setTimeout(r, 25));
    if (!pattern.test(this.out)) throw new Error(`contender printed ${JSON.stringify(this.out)}, not ${pattern}`);
  }

  /** kill -9, then waits for the exit. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}
