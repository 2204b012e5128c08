import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding drbot's package.json, found from this file whether run from src/ or dist/. */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && JSON.parse(readFileSync(candidate, 'utf8')).name === 'drbot') return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find drbot package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}
