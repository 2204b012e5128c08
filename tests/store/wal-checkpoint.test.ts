import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { packageRoot } from '../../src/config/package-root.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { CheckpointResult } from '../../src/store/wal-checkpointer.js';
import { anIncidentId } from '../support/an-incident.js';

jest.setTimeout(120_000);

const root = packageRoot();
const dirs: string[] = [];
const children = new Set<ChildProcess>();
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'drbot-wal-'));
  dirs.push(d);
  return d;
};

/** Four timers with a 2 KB payload each: a few WAL frames per write transaction. */
const timers = (n: number) => ['a', 'b', 'c', 'd'].map((kind) => ({ kind, dueAt: n, payload: { pad: 'x'.repeat(2000) } }));

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SqliteStore WAL checkpoints', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('are made by the worker while transactions commit, and the WAL stays bounded (about 16 MB)', async () => {
    const file = join(tmp(), 'drbot.sqlite');
    store = await SqliteStore.open(file);
    const seen: CheckpointResult[] = [];
    store.checkpointer!.onCheckpoint((r) => seen.push(r));
    let maxWal = 0;
    for (let n = 0; n < 2500; n++) {
      await store.writeTransaction((tx) => tx.timers.scheduleNew(anIncidentId(n + 1), timers(n)));
      maxWal = Math.max(maxWal, statSync(`${file}-wal`).size);
      // Lets the worker's answers arrive, as an event loop between requests would.
      if (n % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    // More than the writer's own threshold (4,000 frames) went through the WAL, and it started over.
    expect(maxWal).toBeGreaterThan(12 * 1024 * 1024);
    expect(maxWal).toBeLessThan(17 * 1024 * 1024);
    expect(seen.filter((r) => r.checkpointed > 0).length).toBeGreaterThan(0);
    expect(seen.filter((r) => r.error)).toEqual([]);
    expect((await store.tableRows('timers')).length).toBe(10_000);
  });

  it('are made by the worker through commits that never yield to the event loop (commands back to back)', async () => {
    const file = join(tmp(), 'drbot.sqlite');
    store = await SqliteStore.open(file);
    const seen: CheckpointResult[] = [];
    store.checkpointer!.onCheckpoint((r) => seen.push(r));
    for (let n = 0; n < 1000; n++) await store.writeTransaction((tx) => tx.timers.scheduleNew(anIncidentId(n + 1), timers(n)));
    // close() ends the worker after its answers are delivered.
    await store.close();
    store = undefined;
    // Asked every 32 commits: more than the first ask ran (the answers, events, could not arrive during the loop).
    expect(seen.filter((r) => r.checkpointed > 0).length).toBeGreaterThan(1);
    expect(seen.filter((r) => r.error)).toEqual([]);
  });

  it('leave no worker behind: close() ends it and the database is whole on reopening', async () => {
    const file = join(tmp(), 'drbot.sqlite');
    store = await SqliteStore.open(file);
    for (let n = 0; n < 200; n++) await store.writeTransaction((tx) => tx.timers.scheduleNew(anIncidentId(n + 1), timers(n)));
    await store.close();
    store = await SqliteStore.open(file);
    expect((await store.tableRows('timers')).length).toBe(800);
  });
});

describe('SqliteStore WAL checkpoints and kill -9 (a real process)', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  });

  it('lose no committed transaction when the process is killed while it writes and checkpoints', async () => {
    const dir = tmp();
    const file = join(dir, 'drbot.sqlite');
    const script = join(dir, 'writer.mjs');
    writeFileSync(
      script,
      [
        `const { SqliteStore } = await import(${JSON.stringify(join(root, 'dist/src/store/sqlite-store.js'))});`,
        `const store = await SqliteStore.open(${JSON.stringify(file)});`,
        `const pad = 'x'.repeat(2000);`,
        `for (let n = 0; ; n++) {`,
        `  await store.writeTransaction((tx) => tx.timers.scheduleNew('INC-' + n, ['a', 'b', 'c', 'd'].map((kind) => ({ kind, dueAt: n, payload: { pad } }))));`,
        `  process.stdout.write('committed ' + (n + 1) + '\\n');`,
        `}`,
      ].join('\n'),
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let committed = 0;
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) committed = Number(l.slice('committed '.length));
        // Past several worker checkpoints and the writer's own 4,000-frame checkpoint.
        if (committed >= 1500) resolve();
      });
      child.on('exit', () => reject(new Error(`the writer exited early: ${err}`)));
    });
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    // SqliteStore.open runs quick_check: a torn file would be refused.
    const store = await SqliteStore.open(file);
    try {
      const rows = await store.tableRows('timers');
      const incidents = new Set(rows.map((r) => r.incident_id));
      expect(incidents.size).toBeGreaterThanOrEqual(committed);
      for (let n = 0; n < committed; n++) expect(incidents.has(`INC-${n}`)).toBe(true);
      expect(rows.length).toBe(incidents.size * 4);
    } finally {
      await store.close();
    }
  });
});
