import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Lays out a small Routing ML-like tree (logs, an Access DB with dated backups, model versions, a
 * config with read-only mode, a network-share folder) under `dir` when it is not there yet, so the
 * embedded demo agent has real files to diagnose and restore. Existing files are left alone.
 */
export async function seedDemoHost(dir: string, now = Date.now()): Promise<void> {
  if (existsSync(join(dir, '.seeded'))) return;
  const day = 24 * 3600_000;
  const files: [string, string, number][] = [
    ['logs/backend.log', `${new Date(now - 3600_000).toISOString()} INFO uvicorn running on http://127.0.0.1:8000\n${new Date(now - 60_000).toISOString()} ERROR connection refused while loading routing model\n`, now - 60_000],
    ['logs/frontend.log', `${new Date(now - 3600_000).toISOString()} INFO vite dev server ready on 5173\n`, now - 3600_000],
    ['db/routing.accdb', 'demo access database (current)\n', now - 3600_000],
    ['backup/routing_20250101.accdb', 'demo access database (older backup)\n', now - 3 * day],
    ['backup/routing_yesterday.accdb', 'demo access database (yesterday)\n', now - day],
    ['models/v20250801/model.pkl', 'demo model v20250801\n', now - 60 * day],
    ['models/v20250901/model.pkl', 'demo model v20250901\n', now - 30 * day],
    ['models/latest/model.pkl', 'demo model latest\n', now - 2 * day],
    ['mounted-models/model.pkl', 'demo model as mounted in the container\n', now - 2 * day],
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
