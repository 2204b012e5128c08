/**
 * Freezes a view (or rendered message) and everything in it, so one object can be handed to every
 * caller that asks for the same thing: a caller that tried to change a shared one would throw
 * (ES modules are strict) instead of changing what the next caller is shown.
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
  return value;
}

/**
 * At most `limit` answers by key, the least recently used forgotten first. For pure functions
 * whose key holds every input: an answer is only ever reused for the same inputs.
 */
export class BoundedMemo<V> {
  private readonly answers = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    const kept = this.answers.get(key);
    if (kept !== undefined) {
      // Most recently used last.
      this.answers.delete(key);
      this.answers.set(key, kept);
    }
    return kept;
  }

  set(key: string, value: V): void {
    if (this.answers.size >= this.limit) this.answers.delete(this.answers.keys().next().value!);
    this.answers.set(key, value);
  }
}
