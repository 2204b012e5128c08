import { describe, expect, it } from '@jest/globals';
import { CommandQueue } from '../../src/app/command-queue.js';

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

  it('starts as many as fit in one event-loop turn until the turn has spent its budget, the rest in the next turns', async () => {
    let now = 0;
    const q = new CommandQueue(10, 100, () => undefined, 8, () => now);
    const started: number[] = [];
    const never = new Promise<void>(() => undefined);
    for (let i = 0; i < 7; i++) {
      q.push(() => {
        started.push(i);
        now += 5; // each command runs 5 ms before its first wait
        return never;
      });
    }
    const turn = () => new Promise((r) => setImmediate(r));
    await turn();
    // 0 ms and 5 ms into the turn: two start; at 10 ms the budget of 8 is spent.
    expect(started).toEqual([0, 1]);
    await turn();
    expect(started).toEqual([0, 1, 2, 3]);
    await turn();
    await turn();
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(q.size).toBe(7);
  });

  it('under a burst, answers keep pace with acks: a turn that queued eight commands starts eight (one per turn fell behind)', async () => {
    // A clock that does not move: the turn's budget is the other test's subject, and on a loaded
    // machine a real 8 ms can pass between two immediates of one turn.
    const q = new CommandQueue(8, 100, () => undefined, 8, () => 0);
    const started: number[] = [];
    for (let i = 0; i < 8; i++) {
      q.push(async () => {
        started.push(i);
      });
    }
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await q.idle();
  });
});
