import { describe, expect, it } from '@jest/globals';
import { CommandQueue } from '../../../adapters/slack/command-queue.js';

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
};

describe('CommandQueue', () => {
  it('runs at most `concurrency` tasks at once, in order, and resolves idle when all are done', async () => {
    const errors: unknown[] = [];
    const q = new CommandQueue(2, 10, (e) => errors.push(e));
    const started: number[] = [];
    const gates = [gate(), gate(), gate()];
    gates.forEach((g, i) =>
      q.push(async () => {
        started.push(i);
        await g.opened;
      }),
    );
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    gates[0]!.open();
    const idle = q.idle();
    gates[1]!.open();
    gates[2]!.open();
    await idle;
    expect(started).toEqual([0, 1, 2]);
    expect(q.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('refuses work when the backlog is full and reports failing tasks without stopping', async () => {
    const errors: unknown[] = [];
    const q = new CommandQueue(1, 2, (e) => errors.push(e));
    const g = gate();
    expect(q.push(() => g.opened)).toBe(true);
    expect(q.push(async () => Promise.reject(new Error('boom')))).toBe(true);
    expect(q.hasRoom()).toBe(false);
    expect(q.push(async () => {})).toBe(false);
    g.open();
    await q.idle();
    expect(errors).toEqual([new Error('boom')]);
    expect(q.hasRoom()).toBe(true);
  });
});
