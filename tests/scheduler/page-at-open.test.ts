import { afterEach, describe, expect, it } from '@jest/globals';
import { byDrbot, HOUR, MIN, pagedPeople, schedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

describe('a fault type that pages a role at open (Type 3: pageAtOpen [it_support])', () => {
  it('pages IT support at once besides level 0, once; the ladder goes on as before', async () => {
    h = await schedulerHarness();
    const inc = await h.open(3);
    expect(pagedPeople(await h.deliveries(inc.id)).sort()).toEqual(['0:Choi Network:sent', '0:Kim DevOps:sent']);
    expect(byDrbot(await h.timeline(inc.id), 'page').map((e) => e.text)).toContainEqual(expect.stringContaining('paged Choi Network (it_support) via console — it_support paged at open (Type 3 procedure)'));

    // A restarted scheduler finds the timer fired: nobody is paged again.
    await h.stop();
    await h.restart();
    await h.advance(29 * MIN);
    expect(await h.deliveries(inc.id)).toHaveLength(2);
    await h.advance(HOUR);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(expect.arrayContaining(['1:Lee Backend:sent', '2:Choi Network:sent']));
  });

  it('a type without pageAtOpen pages only level 0 at open', async () => {
    h = await schedulerHarness();
    const inc = await h.open(2);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent']);
  });
});
