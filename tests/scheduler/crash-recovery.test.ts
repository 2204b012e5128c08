import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { packageRoot } from '../../src/config/package-root.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

jest.setTimeout(90_000);

const root = packageRoot();
let dir: string;
const children = new Set<ChildProcess>();

beforeAll(() => {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  dir = mkdtempSync(join(tmpdir(), 'drbot-crash-'));
  // Everyone always available, so the run does not depend on the hour the test runs at.
  writeFileSync(
    join(dir, 'contacts.yaml'),
    ['contacts:', '  - { name: Kim DevOps, roles: [devops] }', '  - { name: Lee Backend, roles: [backend] }', '  - { name: Choi Network, roles: [it_support] }', '  - { name: Jung CTO, roles: [cto] }', ''].join('\n'),
  );
});

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A real `drbot` process in console mode, 720× time anchored at `epoch`, stdin kept open. */
function drbot(epoch: string) {
  const child = spawn(process.execPath, [join(root, 'dist/src/cli/drbot.js')], {
    cwd: root,
    env: {
      ...process.env,
      DATA_DIR: join(dir, 'data'),
      PORT: '0',
      DRBOT_TIME_SCALE: '720',
      DRBOT_CLOCK_EPOCH: epoch,
      DRBOT_LANG: 'en',
      DRBOT_CONTACTS: join(dir, 'contacts.yaml'),
      LOG_LEVEL: 'error',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    for (const w of [...waiters]) {
      if (!w.re.test(out)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => (children.delete(child), resolve(code))));
  return {
    get out() {
      return out;
    },
    /** Resolves when stdout has matched; fails with what the process said if it exits first. */
    waitFor(re: RegExp): Promise<void> {
      if (re.test(out)) return Promise.resolve();
      return Promise.race([
        new Promise<void>((resolve) => waiters.push({ re, resolve })),
        exited.then((code) => {
          throw new Error(`drbot exited (${code}) before printing ${re}:\n${out}\n${err}`);
        }),
      ]);
    },
    send(line: string) {
      child.stdin!.write(line + '\n');
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async end() {
      child.stdin!.end();
      return exited;
    },
  };
}

/** `PAGE → <name> (<role>) <incident> L<level>: …` lines of one person, by ladder level (RTO alarms page at levels 100 and 101). */
const pageLevels = (out: string, name: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith(`PAGE → ${name} `))
    .map((l) => Number(/ L(\d+): /.exec(l)?.[1] ?? NaN));

describe('crash recovery (real processes, kill -9)', () => {
  it('pages backend, IT support and the CTO once each, in order, across two kill -9 restarts', async () => {
    const epoch = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();
    const outputs: string[] = [];

    const first = drbot(epoch);
    await first.waitFor(/drbot ready/);
    first.send('/incident open type1 full crash drill');
    await first.waitFor(/PAGE → Kim DevOps/);
    await first.waitFor(/PAGE → Lee Backend/);
    await first.kill9();
    outputs.push(first.out);

    const second = drbot(epoch);
    await second.waitFor(/drbot ready/);
    await second.waitFor(/PAGE → Choi Network/);
    await second.kill9();
    outputs.push(second.out);

    const third = drbot(epoch);
    await third.waitFor(/drbot ready/);
    await third.waitFor(/PAGE → Jung CTO/);
    expect(await third.end()).toBe(0);
    outputs.push(third.out);

    const all = outputs.join('\n');
    // Each rung once. On a loaded machine the run can outlast 4 virtual hours (20 s here), and then the
    // CTO is rightly paged again by the RTO-goal alarm (level 100): that page too must come at most once.
    const ladderLevel = { 'Kim DevOps': 0, 'Lee Backend': 1, 'Choi Network': 2, 'Jung CTO': 3 } as const;
    for (const [name, level] of Object.entries(ladderLevel)) {
      const levels = pageLevels(all, name);
      expect(levels.filter((l) => l === level)).toHaveLength(1);
      expect(levels.filter((l) => l !== level).every((l) => name === 'Jung CTO' && (l === 100 || l === 101))).toBe(true);
      expect(new Set(levels).size).toBe(levels.length);
    }

    const store = await SqliteStore.open(join(dir, 'data', 'drbot.sqlite'));
    try {
      const [incident] = await store.incidents.list(undefined, 10);
      const deliveries = await store.deliveries.forIncident(incident!.id);
      const ladder = deliveries.filter((d) => d.level < 100).sort((a, b) => a.at - b.at || a.id - b.id);
      expect(ladder.map((d) => `${d.level}:${d.person}`)).toEqual(['0:Kim DevOps', '1:Lee Backend', '2:Choi Network', '3:Jung CTO']);
      // Sent, or (when a kill landed between the send and its record) unknown: never failed, never twice.
      expect(ladder.every((d) => d.status === 'sent' || d.status === 'unknown')).toBe(true);
      const timers = await store.timers.forIncident(incident!.id);
      expect(timers.filter((t) => t.kind.startsWith('ladder-')).every((t) => t.firedAt !== undefined)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
