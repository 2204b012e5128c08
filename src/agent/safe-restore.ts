import { chmod, lstat, mkdir, readdir, readlink, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { checksums } from './actions/file-actions.js';
import { ActionRefused, OutcomeUnknown } from './agent-action.js';
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
export async function filesUnder(dir: string, top = dir): Promise<string[]> {
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
 * backup (ActionRefused), at the live path, and at the staging path (created exclusively). An abort
 * stops it before the swap (the live path is unchanged); the swap itself is never interrupted.
 */
export class SafeRestore {
  private readonly signal?: AbortSignal;
  private readonly changing: (check: string) => void;

  constructor(
    private readonly copyFile: (src: string, dst: string, signal?: AbortSignal) => Promise<void>,
    private readonly stamp: () => string,
    /** `signal` stops the copy and checks before the swap; `changing` is told what to check should the restore be cut short at each step. */
    options: { signal?: AbortSignal; changing?: (check: string) => void } = {},
  ) {
    this.signal = options.signal;
    this.changing = options.changing ?? (() => {});
  }

  /** Replaces `live` by `backup`, keeping the current file aside as `<live>.before-<stamp>`. */
  async file(backup: string, live: string): Promise<RestoreReport> {
    const stamp = this.stamp();
    const staging = join(dirname(live), `.${basename(live)}.restoring-${stamp}`);
    const aside = `${live}.before-${stamp}`;
    await refuseSymlink(backup, 'the backup');
    const current = await refuseSymlink(live, 'the live file');
    if (current && !current.isFile()) throw new ActionRefused('not-allowed', `the live file ${live} is not a regular file; nothing was restored`);
    const expected = (await checksums(backup, this.signal)).sha256;
    let moved = false;
    try {
      this.changing(`the restore of ${live} from ${backup} was cut short while copying, before the swap: ${live} should still be the previous file (its sha256 is not ${expected}, the backup's); remove ${staging} if it is left`);
      await this.copyFile(backup, staging, this.signal);
      const staged = (await checksums(staging, this.signal)).sha256;
      if (staged !== expected) throw new RestoreFailed(`checksum mismatch after copy (${staged.slice(0, 12)} ≠ ${expected.slice(0, 12)})`);
      this.signal?.throwIfAborted();
      // from here to the end of the swap nothing checks the signal: two renames, never half done
      this.changing(`the restore of ${live} from ${backup} was cut short during the swap: check that the sha256 of ${live} is ${expected} (the backup's)${current ? `; the previous file is kept at ${aside}` : ''}`);
      if (current) {
        await rename(live, aside);
        moved = true;
      }
      await rename(staging, live);
      const now = (await checksums(live)).sha256;
      if (now !== expected) throw new RestoreFailed(`checksum mismatch in place (${now.slice(0, 12)} ≠ ${expected.slice(0, 12)})`);
      return { keptAside: moved ? aside : undefined, sha256: { '': now } };
    } catch (err) {
      await this.rollBack(err, live, aside, moved, () => rm(staging, { force: true }));
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
      this.changing(`the restore of ${live} from ${source} was cut short while copying, before the swap: ${live} should still be the previous directory; remove ${staging} if it is left`);
      for (const f of files) {
        const rel = relative(source, f);
        expected[rel] = (await checksums(f, this.signal)).sha256;
        await mkdir(dirname(join(staging, rel)), { recursive: true });
        await this.copyFile(f, join(staging, rel), this.signal);
      }
      await this.verify(staging, expected, this.signal);
      await chmod(staging, (await lstat(source)).mode & 0o777);
      this.signal?.throwIfAborted();
      this.changing(`the restore of ${live} from ${source} was cut short during the swap: compare the files in ${live} with ${source} (sha256)${current ? `; the previous directory is kept at ${aside}` : ''}`);
      if (current) {
        await rename(live, aside);
        moved = true;
      }
      await rename(staging, live);
      await this.verify(live, expected);
      return { keptAside: moved ? aside : undefined, sha256: expected };
    } catch (err) {
      await this.rollBack(err, live, aside, moved, async () => {
        await rm(staging, { recursive: true, force: true });
        if (moved) await rm(live, { recursive: true, force: true });
      });
      throw err instanceof RestoreFailed ? err : new RestoreFailed((err as Error).message, { cause: err });
    }
  }

  /** Removes the staging copy and puts the previous content back; when that fails too, how far the restore got is unknown. */
  private async rollBack(cause: unknown, live: string, aside: string, moved: boolean, cleanUp: () => Promise<void>): Promise<void> {
    try {
      await cleanUp();
      if (moved) await rename(aside, live);
    } catch (err) {
      throw new OutcomeUnknown(
        `the restore of ${live} failed (${(cause as Error).message}) and putting the previous content back failed too (${(err as Error).message})`,
        moved ? `the previous content is kept at ${aside}: move it back to ${live} by hand if ${live} is missing or wrong` : `check ${live}`,
      );
    }
  }

  private async verify(dir: string, expected: Record<string, string>, signal?: AbortSignal): Promise<void> {
    for (const [rel, sum] of Object.entries(expected)) {
      const got = (await checksums(join(dir, rel), signal)).sha256;
      if (got !== sum) throw new RestoreFailed(`checksum mismatch for ${rel} (${got.slice(0, 12)} ≠ ${sum.slice(0, 12)})`);
    }
  }
}
