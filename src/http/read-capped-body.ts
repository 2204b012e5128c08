/** The start of a response body: at most `maxBytes`, and whether more was there (and left unread). */
export interface CappedBody {
  text: string;
  cut: boolean;
}

/**
 * Reads at most `maxBytes` of a fetch response's body and cancels the rest, so a peer that answers
 * with an endless or huge body costs a few kilobytes, not the process's memory.
 */
export async function readCappedBody(res: Response, maxBytes: number): Promise<CappedBody> {
  if (!res.body) return { text: '', cut: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
    if (size >= maxBytes) cut = size > maxBytes || !(await reader.read()).done;
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const all = Buffer.concat(chunks);
  return { text: all.subarray(0, maxBytes).toString('utf8').replace(/\uFFFD+$/, ''), cut };
}
