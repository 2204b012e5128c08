/** Polls `probe` every 50 ms until it returns something truthy (resolved with it), or throws after `limitMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
