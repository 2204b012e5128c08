import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { checksums } from './actions/file-actions.js';

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

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(p)));
    else if (entry.isFile()) out.push(p);
  }
  return out.sort();
}

/**
 * Restores a file or a directory from a backup so that the live path is never left half-written:
 * the copy goes to a staging path next to it and is verified by checksum; only then is the current
 * content renamed aside (kept) and the staged copy renamed into place. Any failure removes the
 * staging copy and puts the previous content back.
 */
export class SafeRestore {
  constructor(
    private readonly copyFile: (src: string, dst: string) => Promise<void>,
    private readonly stamp: () => string,
  ) {}

  /** Replaces `live` by `backup`, keeping the current file aside as `<live>.before-<stamp>`. */
  async file(backup: string, live: string): Promise<RestoreReport> {
    const stamp = this.stamp();
    const staging = join(dirname(live), `.${basename(live)}.restoring-${stamp}`);
    const aside = `${live}.before-${stamp}`;
    const expected = (await checksums(backup)).sha256;
    let moved = false;
    try {
      await this.copyFile(backup, staging);
      const staged = (await checksums(staging)).sha256;
      if (staged !== expected) throw new RestoreFailed(`checksum mismatch after copy (${staged.slice(0, 12)} ≠ ${expected.slice(0, 12)})`);
      if (existsSync(live)) {
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
    const files = await filesUnder(source);
    if (!files.length) throw new RestoreFailed(`${source} has no files to restore`);
    const expected: Record<string, string> = {};
    let moved = false;
    try {
      for (const f of files) {
        const rel = relative(source, f);
        expected[rel] = (await checksums(f)).sha256;
        await mkdir(dirname(join(staging, rel)), { recursive: true });
        await this.copyFile(f, join(staging, rel));
      }
      await this.verify(staging, expected);
      if (existsSync(live)) {
        if (!(await stat(live)).isDirectory()) throw new RestoreFailed(`${live} is not a directory`);
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
