import { chmodSync, lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/** A directory that is not safe to keep private files in: whose, what is wrong, and what to do. */
export class PrivateDirectoryError extends Error {
  constructor(
    readonly dir: string,
    readonly problem: string,
  ) {
    super(`${dir} ${problem}`);
    this.name = 'PrivateDirectoryError';
  }
}

const uid = () => process.getuid?.() ?? -1;

function inspect(dir: string): Stats | undefined {
  try {
    return lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function mustBeOurs(dir: string, seen: Stats): void {
  if (seen.isSymbolicLink()) throw new PrivateDirectoryError(dir, 'is a symbolic link; use the directory itself');
  if (!seen.isDirectory()) throw new PrivateDirectoryError(dir, 'is not a directory');
  if (uid() >= 0 && seen.uid !== uid()) throw new PrivateDirectoryError(dir, `belongs to uid ${seen.uid}, not to this process (uid ${uid()}); use a directory this user owns`);
}

/**
 * Makes sure `dir` is a directory only this process's user can write, so the private files in it
 * (0600) cannot be replaced, pre-created or linked elsewhere by anyone else. A missing directory is
 * created 0700. An existing one (the directory a configured link leads to) must be owned by this
 * user; one that others may write is refused, except a shared sticky one like /tmp, where a private
 * `<subdir>` is used instead: 0700, ours, and not a link. Returns the directory to write in.
 */
export function privateDirectory(configured: string, sharedSubdir?: string): string {
  // the configured path may lead through links the operator set up; what it ends at is checked
  const dir = inspect(configured) ? realpathSync(configured) : configured;
  const seen = inspect(dir);
  if (!seen) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700); // mkdir's mode is masked by the umask
    return dir;
  }
  mustBeOurs(dir, seen);
  if ((seen.mode & 0o022) === 0) return dir;
  const sticky = (seen.mode & 0o1000) !== 0;
  if (!sticky || !sharedSubdir) throw new PrivateDirectoryError(dir, `can be written by other users (mode ${(seen.mode & 0o7777).toString(8)}); use a directory only this user can write (chmod 700)`);
  const own = join(dir, sharedSubdir);
  const mine = inspect(own);
  if (!mine) {
    mkdirSync(own, { mode: 0o700 });
    chmodSync(own, 0o700);
    return own;
  }
  mustBeOurs(own, mine);
  if ((mine.mode & 0o077) !== 0) throw new PrivateDirectoryError(own, `is open to other users (mode ${(mine.mode & 0o777).toString(8)}); it should be 700`);
  return own;
}
