import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Bytes copied between two checks of the abort signal. */
const CHUNK = 1024 * 1024;

/**
 * Copies a regular file without following a symbolic link at either end: the source is opened with
 * O_NOFOLLOW, the destination is created with O_EXCL (it must not exist: a link planted there fails
 * the copy instead of redirecting it). The copy is fsynced, keeps the source's permission bits, and
 * stops when `signal` aborts (the partial destination is left for the caller to remove).
 */
export async function copyFileNoFollow(src: string, dst: string, signal?: AbortSignal): Promise<void> {
  const from = await open(src, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const seen = await from.stat();
    if (!seen.isFile()) throw new Error(`${src} is not a regular file`);
    const to = await open(dst, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, seen.mode & 0o777);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (let at = 0; ; ) {
        signal?.throwIfAborted();
        const { bytesRead } = await from.read(buf, 0, CHUNK, at);
        if (bytesRead === 0) break;
        for (let done = 0; done < bytesRead; ) done += (await to.write(buf, done, bytesRead - done, at + done)).bytesWritten;
        at += bytesRead;
      }
      await to.sync();
    } finally {
      await to.close();
    }
  } finally {
    await from.close();
  }
}
