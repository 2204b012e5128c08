import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Lays out a small Routing ML-like tree (logs, an Access DB with dated backups, model versions, a
 * config with read-only mode, a network-share folder) under `dir` when it is not there yet, so the
 * embedded demo agent has real files to diagnose and restore. Existing files are left alone.
 */
/** A small file in the Access `.accdb` format's shape: the `Standard ACE DB` signature at offset 4 (what `file_integrity` checks), then `text`. */
export function demoAccdb(text: string): Buffer {
  return Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.from('Standard ACE DB\0', 'latin1'), Buffer.alloc(12), Buffer.from(text)]);
}

/** A real pickle (protocol 2) of the string `text`, as Python's `pickle.dumps(text, 2)` writes it. */
export function demoPickle(text: string): Buffer {
  const body = Buffer.from(text);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from([0x80, 0x02, 0x58]), len, body, Buffer.from('.')]);
}

export async function seedDemoHost(dir: string, now = Date.now()): Promise<void> {
  if (existsSync(join(dir, '.seeded'))) return;
  const day = 24 * 3600_000;
  const files: [string, string | Buffer, number][] = [
    ['logs/backend.log', `${new Date(now - 3600_000).toISOString()} INFO uvicorn running on http://127.0.0.1:8000\n${new Date(now - 60_000).toISOString()} ERROR connection refused while loading routing model\n`, now - 60_000],
    ['logs/frontend.log', `${new Date(now - 3600_000).toISOString()} INFO vite dev server ready on 5173\n`, now - 3600_000],
    ['db/routing.accdb', demoAccdb('demo access database (current)\n'), now - 3600_000],
    ['backup/routing_20250101.accdb', demoAccdb('demo access database (older backup)\n'), now - 3 * day],
    ['backup/routing_yesterday.accdb', demoAccdb('demo access database (yesterday)\n'), now - day],
    ['models/v20250801/model.pkl', demoPickle('demo model v20250801'), now - 60 * day],
    ['models/v20250901/model.pkl', demoPickle('demo model v20250901'), now - 30 * day],
    // latest/ is a copy of the newest version, as the procedure's `cp -r …/v20250901/ …/latest/` leaves it
    ['models/latest/model.pkl', demoPickle('demo model v20250901'), now - 2 * day],
    ['mounted-models/model.pkl', demoPickle('demo model v20250901'), now - 2 * day],
    ['share/routing/README.txt', 'stand-in for the \\\\fileserver\\routing network share\n', now - 7 * day],
    ['config/app.yaml', '# Routing ML backend settings\napp:\n  # read-only mode keeps predictions running while the DB is restored\n  read_only: false\n  workers: 2\n', now - 7 * day],
    ['data/training_dataset.csv', 'item,route\nA,1\nB,2\n', now - 7 * day],
  ];
  for (const [rel, text, mtime] of files) {
    const path = join(dir, rel);
    if (existsSync(path)) continue;
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, text);
    await utimes(path, mtime / 1000, mtime / 1000);
  }
  await writeFile(join(dir, '.seeded'), new Date(now).toISOString() + '\n');
}
