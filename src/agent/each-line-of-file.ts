import { readSync } from 'node:fs';

const CHUNK = 64 * 1024;
/** A line longer than this is not one the ledger wrote: it is skipped, not buffered. */
const MAX_LINE = 1024 * 1024;

/**
 * Calls `onLine` with every newline-terminated line of an open file and its byte offset, reading
 * 64 kB at a time, so a large file never sits in memory whole. Returns the file's length in bytes and
 * whether it ends in a line without its newline (torn by a crash mid-write); that last piece is not
 * passed to `onLine`. Lines over 1 MiB are skipped.
 */
export function eachLineOfFile(fd: number, onLine: (line: Buffer, offset: number) => void, read: typeof readSync = readSync): { size: number; torn: boolean } {
  let carry = Buffer.alloc(0);
  let carryAt = 0;
  let position = 0;
  let skipping = false;
  const chunk = Buffer.alloc(CHUNK);
  for (;;) {
    const n = read(fd, chunk, 0, CHUNK, position);
    if (n === 0) break;
    let data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
    let dataAt = carry.length ? carryAt : position;
    position += n;
    let nl: number;
    while ((nl = data.indexOf(0x0a)) >= 0) {
      if (!skipping) onLine(data.subarray(0, nl), dataAt);
      skipping = false;
      dataAt += nl + 1;
      data = data.subarray(nl + 1);
    }
    if (data.length > MAX_LINE) {
      skipping = true;
      dataAt += data.length;
      data = data.subarray(data.length);
    }
    // copy: `chunk` is reused by the next read
    carry = Buffer.from(data);
    carryAt = dataAt;
  }
  return { size: position, torn: carry.length > 0 || skipping };
}
