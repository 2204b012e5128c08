import { chmod, lstat, mkdir, readdir, readlink, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { checksums } from './actions/file-actions.js';
import { ActionRefused } from './agent-action.js';
import { refuseSymlink } from './confined-path.js';

/** What a restore did: where the previous content was kept, and the verified checksum(s). */
export interface RestoreReport {
  keptAside?: string;
  /** sha256 of each restored file, relative to the restored path ('' for a single file). */
  sha256: Record<string, string>;
}

/** Thrown when a restore failed; the live path holds what it held before. */
export class RestoreFailed extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RestoreFailed';
  }
}

/** Every regular file under a backup directory; a symbolic link or anything but files and directories refuses the restore. */
async function filesUnder(dir: string, top = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await readlink(p).catch(() => '?');
      throw new ActionRefused('not-allowed', `${relative(top, p)} in backup ${top} is a symbolic link (to ${target}); a backup directory must hold the files themselves, so nothing was restored`);
    }
    if (entry.isDirectory()) out.push(...(await filesUnder(p, top)));
    else if (entry.isFile()) out.push(p);
    else throw new ActionRefused('not-allowed', `${relative(top, p)} in backup ${top} is not a regular file or directory; nothing was restored`);
  }
  return out.sort();
}

/**
 * Restores a file or a directory from a backup so that the live path is never left half-written:
 * the copy goes to a staging path next to it and is verified by checksum; only then is the current
 * content renamed aside (kept) and the staged copy renamed into place. Any failure removes the
 * staging copy and puts the previous content back. Symbolic links are refused, not followed: in the
 * backup (ActionRefused), at the live path, and at the staging path (created exclusively).
 */
export class SafeRestore {
  constructor(
    private readonly copyFile: (src: string, dst: string, signal?: AbortSignal) => Promise<void>,
    private readonly stamp: () => string,
  ) {}

  /** Replaces `live` by `backup`, keeping the current file aside as `<live>.before-<stamp>`. */
  async file(backup: string, live: string): Promise<RestoreReport> {
    const stamp = this.stamp();
    const staging = join(dirname(live), `.${basename(live)}.restoring-${stamp}`);
    const aside = `${live}.before-${stamp}`;
    await refuseSymlink(backup, 'the backup');
    const current = await refuseSymlink(live, 'the live file');
    if (current && !current.isFile()) throw new ActionRefused('not-allowed', `the live file ${live} is not a regular file; nothing was restored`);
    const expected = (await checksums(backup)).sha256;
    let moved = false;
    try {
      await this.copyFile(backup, staging);
      const staged = (await checksums(staging)).sha256;
      if (staged !== expected) throw new RestoreFailed(`checksum mismatch after copy (${staged.slice(0, 12)} ≠ ${expected.slice(0, 12)})`);
      if (current) {
        await rename(live, aside);
        moved = true;
      }
      await rename(staging, live);
      const now = (await checksums(live)).sha256;
      if (now !== expected) throw new RestoreFailed(`checksum mismatch in place (${now.slice(0, 12)} ≠ ${expected.slice(0, 12)})`);
      return { keptAside: moved ? aside : undefined, sha256: { '': now } };
    } catch (err) {
      await rm(staging, { force: true });
      if (moved) await rename(aside, live);
      throw err instanceof RestoreFailed ? err : new RestoreFailed((err as Error).message, { cause: err });
    }
  }

  /** Replaces directory `live` by a copy of `source`, keeping the current one aside as `<live>.before-<stamp>`. */
  async dir(source: string, live: string): Promise<RestoreReport> {
    const stamp = this.stamp();
    const staging = join(dirname(live), `.${basename(live)}.restoring-${stamp}`);
    const aside = `${live}.before-${stamp}`;
    await refuseSymlink(source, 'the backup directory');
    const current = await refuseSymlink(live, 'the live directory');
    if (current && !current.isDirectory()) throw new ActionRefused('not-allowed', `${live} is not a directory; nothing was restored`);
    const files = await filesUnder(source);
    if (!files.length) throw new RestoreFailed(`${source} has no files to restore`);
    const expected: Record<string, string> = {};
    let moved = false;
    // not recursive: a staging path someone created beforehand (a link, say) fails the restore instead of receiving it
    await mkdir(staging, { mode: 0o700 });
    try {
      for (const f of files) {
        const rel = relative(source, f);
        expected[rel] = (await checksums(f)).sha256;
        await mkdir(dirname(join(staging, rel)), { recursive: true });
        await this.copyFile(f, join(staging, rel));
      }
      await this.verify(staging, expected);
      await chmod(staging, (await lstat(source)).mode & 0o777);
      if (current) {
        await rename(live, aside);
        moved = true;
      }
      await rename(staging, live);
      await this.verify(live, expected);
      return { keptAside: moved ? aside : undefined, sha256: expected };
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (moved) {
        await rm(live, { recursive: true, force: true });
        await rename(aside, live);
      }
      throw err instanceof RestoreFailed ? err : new RestoreFailed((err as Error).message, { cause: err });
    }
  }

  private async verify(dir: string, expected: Record<string, string>): Promise<void> {
    for (const [rel, sum] of Object.entries(expected)) {
      const got = (await checksums(join(dir, rel))).sha256;
      if (got !== sum) throw new RestoreFailed(`checksum mismatch for ${rel} (${got.slice(0, 12)} ≠ ${sum.slice(0, 12)})`);
    }
  }
}
