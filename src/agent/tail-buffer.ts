/**
 * Keeps the last `cap` bytes of a stream (a child's stdout, say) and counts the bytes it let go, so
 * a chatty or runaway process costs at most `cap` bytes of memory per stream.
 */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private held = 0;
  private total = 0;

  constructor(private readonly cap: number) {}

  /** Adds a chunk, dropping the oldest bytes beyond the cap. */
  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.held += chunk.length;
    // compact once the held bytes reach twice the cap, so dropping costs O(1) per byte on average
    if (this.held >= 2 * this.cap) {
      const all = Buffer.concat(this.chunks);
      this.chunks = [Buffer.from(all.subarray(all.length - this.cap))];
      this.held = this.cap;
    }
  }

  /** Bytes that went through, kept or not. */
  get totalBytes(): number {
    return this.total;
  }

  /** The kept tail as text, led by a note saying how much was cut when anything was. */
  text(what = 'output'): string {
    const all = Buffer.concat(this.chunks);
    const kept = all.subarray(Math.max(0, all.length - this.cap));
    const cut = this.total - kept.length;
    const text = kept.toString('utf8');
    return cut > 0 ? `[${what} cut: first ${cut} of ${this.total} bytes dropped, last ${kept.length} kept]\n${text.replace(/^\uFFFD+/, '')}` : text;
  }
}
