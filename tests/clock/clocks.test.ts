import { describe, expect, it } from '@jest/globals';
import { ScaledClock } from '../../src/clock/scaled-clock.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';

describe('ScaledClock', () => {
  it('runs `scale` times faster from its epoch, so two processes with the same epoch agree', () => {
    const epoch = Date.UTC(2026, 10, 24, 1, 0);
    let real = epoch + 10_000;
    const a = new ScaledClock(720, epoch, () => real);
    const b = new ScaledClock(720, epoch, () => real);
    expect(a.now()).toBe(epoch + 2 * 3_600_000);
    expect(b.now()).toBe(a.now());
    real += 5_000;
    expect(a.now()).toBe(epoch + 3 * 3_600_000);
  });

  it('refuses a non-positive scale', () => {
    expect(() => new ScaledClock(0, 0)).toThrow(RangeError);
  });
});

describe('VirtualClock', () => {
  it('wakes sleepers in order as time advances', async () => {
    const clock = new VirtualClock(0);
    const woke: number[] = [];
    void clock.sleep(300).then(() => woke.push(clock.now()));
    void clock.sleep(100).then(() => woke.push(clock.now()));
    await clock.advance(200);
    expect(woke).toEqual([100]);
    await clock.advance(200);
    expect(woke).toEqual([100, 300]);
    expect(clock.now()).toBe(400);
  });

  it('wakes a sleeper early when its signal aborts', async () => {
    const clock = new VirtualClock(0);
    const ctrl = new AbortController();
    let done = false;
    void clock.sleep(1_000_000, ctrl.signal).then(() => (done = true));
    ctrl.abort();
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(true);
    expect(clock.pendingSleepers).toBe(0);
  });
});
