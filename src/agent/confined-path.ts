import type { Stats } from 'node:fs';
import { lstat, readlink, realpath } from 'node:fs/promises';
import { dirname, sep } from 'node:path';
import { ActionRefused } from './agent-action.js';

/** True when `path` is `root` or lies under it (both already resolved). */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * What lstat sees at `path` (undefined when nothing is there), refusing a symbolic link: someone
 * who can write next to a restored file must not be able to point the agent, often root, elsewhere.
 */
export async function refuseSymlink(path: string, what: string): Promise<Stats | undefined> {
  let seen: Stats;
  try {
    seen = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (seen.isSymbolicLink()) {
    const target = await readlink(path).catch(() => '?');
    throw new ActionRefused('not-allowed', `${what} ${path} is a symbolic link (to ${target}); the agent does not follow links here: replace it by the file or directory itself`);
  }
  return seen;
}

/** Resolves `path` with realpath and refuses it unless it lies inside `root` (resolved too); returns the resolved path. */
export async function confinedPath(path: string, root: string, what: string): Promise<string> {
  const [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
  if (!isInside(real, realRoot)) throw new ActionRefused('not-allowed', `${what} ${path} resolves to ${real}, outside ${root}; the agent reads and writes only inside the configured directory`);
  return real;
}

/** Refuses a configured file that resolves outside its own directory (a log turned into a link to /etc/shadow, say). */
export function confinedToItsDirectory(path: string, what: string): Promise<string> {
  return confinedPath(path, dirname(path), what);
}
