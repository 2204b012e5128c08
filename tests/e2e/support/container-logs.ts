import type Docker from 'dockerode';

/** Reads a container's stdout+stderr as text, demultiplexing the Docker log stream framing when present. */
export async function containerLogs(container: Docker.Container): Promise<string> {
  const raw = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer | string;
  const buf = typeof raw === 'string' ? Buffer.from(raw, 'binary') : Buffer.from(raw);
  return demux(buf);
}

function demux(buf: Buffer): string {
  // Frames: 1 byte stream (0,1,2), 3 zero bytes, 4-byte big-endian length, payload.
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buf.length) {
    const stream = buf[offset];
    if ((stream !== 0 && stream !== 1 && stream !== 2) || buf[offset + 1] !== 0 || buf[offset + 2] !== 0 || buf[offset + 3] !== 0) {
      return buf.toString('utf8'); // not framed (TTY container)
    }
    const len = buf.readUInt32BE(offset + 4);
    parts.push(buf.subarray(offset + 8, offset + 8 + len));
    offset += 8 + len;
  }
  if (offset !== buf.length) return buf.toString('utf8');
  return Buffer.concat(parts).toString('utf8');
}
