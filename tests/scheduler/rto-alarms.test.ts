import { afterEach, describe, expect, it } from '@jest/globals';
import { ALARM_LEVEL } from '../../src/escalation/rto-alarm-timer.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { byDrbot, HOUR, MIN, schedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

describe('RTO alarms', () => {
  it('warns at 3 h, pages the CTO when the 4 h goal is missed and again past the 8 h limit, each once', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    await h.advance(3 * HOUR - MIN);
    expect(byDrbot(await h.timeline(inc.id), 'alarm')).toEqual([]);
    await h.advance(MIN);
    const warning = byDrbot(await h.timeline(inc.id), 'alarm');
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatchObject({ at: TUESDAY_10_KST + 3 * HOUR, text: expect.stringContaining('RTO warning: 1 h 0 min left to the 4 h 0 min goal') });

    await h.advance(HOUR);
    const cto = (await h.deliveries(inc.id)).filter((d) => d.person === 'Jung CTO');
    expect(cto.map((d) => [d.level, d.at - TUESDAY_10_KST])).toEqual([
      [3, 2 * HOUR],
      [ALARM_LEVEL.rtoGoal, 4 * HOUR],
    ]);
    expect(h.printed.filter((l) => l.startsWith('PAGE → Jung CTO')).at(-1)).toContain('RTO goal of 4 h 0 min missed');

    await h.advance(5 * HOUR);
    const alarms = byDrbot(await h.timeline(inc.id), 'alarm').map((e) => [e.at - TUESDAY_10_KST, e.text]);
    expect(alarms).toEqual([
      [3 * HOUR, expect.stringContaining('RTO warning')],
      [4 * HOUR, expect.stringContaining('RTO goal of 4 h 0 min missed')],
      [8 * HOUR, expect.stringContaining('RTO limit of 8 h 0 min exceeded')],
    ]);
    const ctoAll = (await h.deliveries(inc.id)).filter((d) => d.person === 'Jung CTO').map((d) => `${d.level}:${d.status}`);
    expect(ctoAll).toEqual(['3:sent', `${ALARM_LEVEL.rtoGoal}:sent`, `${ALARM_LEVEL.rtoLimit}:sent`]);
  });

  it('raises no alarm for an incident resolved before the goal', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    await h.advance(2 * HOUR + 30 * MIN);
    await h.incidents.resolve(inc, h.core.as('Kim DevOps'), 'fixed');
    await h.advance(10 * HOUR);
    expect(byDrbot(await h.timeline(inc.id), 'alarm')).toEqual([]);
  });
});
