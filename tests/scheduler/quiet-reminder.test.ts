import { afterEach, describe, expect, it } from '@jest/globals';
import { IncidentService } from '../../src/incident/incident-service.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { MIN_REMINDER_GAP_MS } from '../../src/escalation/quiet-timer.js';
import { byDrbot, HOUR, MIN, pagedPeople, schedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

describe('quiet-incident reminder', () => {
  it('stays silent while the timeline moves and reminds after 30 quiet minutes, then every 30 min of silence', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    // The ladder writes at 0, 30 and 60 min; the first 30 silent minutes end at 1 h 30 min.
    await h.advance(HOUR + 29 * MIN);
    expect(byDrbot(await h.timeline(inc.id), 'reminder')).toEqual([]);
    await h.advance(MIN);
    const first = byDrbot(await h.timeline(inc.id), 'reminder');
    expect(first).toHaveLength(1);
    expect(first[0]!.at).toBe(TUESDAY_10_KST + HOUR + 30 * MIN);
    expect(first[0]!.text).toContain(
      'Nothing recorded for 30 min. Status: open, level 2, elapsed 1 h 30 min of the 4 h 0 min goal; next step: level 3, Report to the CTO and consider outside support at 2026-11-24 12:00',
    );
    // 2 h: the CTO page is activity; 2 h 30 min reminds (top of the ladder); 3 h: the RTO warning; 3 h 30 min reminds.
    await h.advance(2 * HOUR + 5 * MIN);
    const all = byDrbot(await h.timeline(inc.id), 'reminder');
    expect(all.map((e) => e.at - TUESDAY_10_KST)).toEqual([HOUR + 30 * MIN, 2 * HOUR + 30 * MIN, 3 * HOUR + 30 * MIN]);
    expect(all[1]!.text).toContain('level 3, elapsed 2 h 30 min of the 4 h 0 min goal; next step: none (top of the ladder)');
  });

  it('a note defers the reminder to 30 min after it', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    await h.advance(2 * HOUR + 20 * MIN);
    await h.incidents.note(inc, h.core.as('Kim DevOps'), 'still looking at the predictor logs');
    await h.advance(20 * MIN);
    expect(byDrbot(await h.timeline(inc.id), 'reminder').map((e) => e.at - TUESDAY_10_KST)).toEqual([HOUR + 30 * MIN]);
    await h.advance(10 * MIN);
    expect(byDrbot(await h.timeline(inc.id), 'reminder').map((e) => e.at - TUESDAY_10_KST)).toEqual([HOUR + 30 * MIN, 2 * HOUR + 50 * MIN]);
  });

  it('names the next ladder step and when it is due', async () => {
    h = await schedulerHarness();
    await h.stop();
    // A pack whose ladder jumps from the DevOps engineer straight to the CTO at 2 h.
    const ladder = h.core.pack.ladder.filter((r) => r.level === 0 || r.level === 3);
    const core = { ...h.core, pack: { ...h.core.pack, ladder } };
    const incidents = new IncidentService(core);
    const scheduler = new Scheduler(core, { handlers: core.timerHandlers });
    core.events.onIncident(() => scheduler.wake());
    scheduler.start();
    const { incident } = await incidents.open({ type: core.pack.types[0]!, scope: 'full', note: '', actor: h.core.as('Kim DevOps') });
    await h.core.events.settled();
    await scheduler.whenIdle();
    await h.core.clock.advance(30 * MIN);
    await scheduler.whenIdle();
    const reminder = byDrbot(await h.timeline(incident.id), 'reminder');
    await scheduler.stop(Date.now() + 1000);
    expect(reminder.map((e) => e.text)).toEqual([expect.stringContaining('next step: level 3, Report to the CTO and consider outside support at 2026-11-24 12:00')]);
  });

  it('a drill at ×3600 reminds at drill speed once, then no more often than once per minute of the clock, while its pages and RTO alarms keep drill speed', async () => {
    h = await schedulerHarness();
    const reply = await h.core.router.dispatch('/incident drill type1 --speed 3600', h.core.as('Park DevOps'));
    await h.core.events.settled();
    const id = reply.incidentId!;
    const opened = h.core.clock.now();
    // Three minutes of the clock, in steps of a quarter second: 30 quiet drill minutes last half a second.
    for (let i = 0; i < 3 * 4 * 60; i++) await h.advance(250);
    // Every rung (0.5 s, 1 s, 2 s) and the RTO alarms (3 s, 4 s) came at drill speed.
    expect(pagedPeople(await h.deliveries(id))).toEqual(expect.arrayContaining(['0:Park DevOps:sent', '1:Park DevOps:sent', '2:Park DevOps:sent', '3:Park DevOps:sent', '100:Park DevOps:sent', '101:Park DevOps:sent']));
    const reminders = byDrbot(await h.timeline(id), 'reminder').map((e) => e.at - opened);
    expect(reminders.length).toBeGreaterThanOrEqual(3);
    // The first one after half a second of silence following the last alarm, well within the first 10 s.
    expect(reminders[0]!).toBeLessThan(10_000);
    for (let i = 1; i < reminders.length; i++) expect(reminders[i]! - reminders[i - 1]!).toBeGreaterThanOrEqual(MIN_REMINDER_GAP_MS);
    expect(reminders.length).toBeLessThanOrEqual(4);
  });
});
