import { afterEach, describe, expect, it } from '@jest/globals';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { byDrbot, HOUR, kst, MIN, pagedPeople, schedulerHarness, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

describe('escalation ladder', () => {
  it('pages level 0 on open and each rung at its time: 30 min backend, 1 h IT support, 2 h CTO', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent']);

    await h.advance(29 * MIN);
    expect(await h.deliveries(inc.id)).toHaveLength(1);
    await h.advance(1 * MIN);
    const afterBackend = await h.deliveries(inc.id);
    expect(pagedPeople(afterBackend)).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent']);
    expect(afterBackend[1]!.at).toBe(TUESDAY_10_KST + 30 * MIN);

    await h.advance(30 * MIN);
    await h.advance(60 * MIN);
    const all = await h.deliveries(inc.id);
    expect(pagedPeople(all)).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent', '2:Choi Network:sent', '3:Jung CTO:sent']);
    expect(all.map((d) => d.at - TUESDAY_10_KST)).toEqual([0, 30 * MIN, HOUR, 2 * HOUR]);
    expect((await h.core.store.incidents.get(inc.id))!.level).toBe(3);
    expect(h.printed.filter((l) => l.startsWith('PAGE → ')).map((l) => l.split(' ').slice(2, 5).join(' '))).toEqual([
      'Kim DevOps (devops)',
      'Lee Backend (backend)',
      'Choi Network (it_support)',
      'Jung CTO (cto)',
    ]);
    const pages = byDrbot(await h.timeline(inc.id), 'page');
    expect(pages.map((e) => e.text)).toEqual([
      expect.stringContaining('paged Kim DevOps (devops) via console'),
      expect.stringContaining('paged Lee Backend (backend) via console'),
      expect.stringContaining('paged Choi Network (it_support) via console'),
      expect.stringContaining('paged Jung CTO (cto) via console'),
    ]);
  });

  it('puts type, elapsed time, steps tried and the current blocker in the page', async () => {
    h = await schedulerHarness();
    await h.open(2);
    await h.advance(30 * MIN);
    const line = h.printed.find((l) => l.startsWith('PAGE → Lee Backend'))!;
    expect(line).toContain('Type 2 Access database unreachable');
    expect(line).toContain('elapsed 30 min of the 4 h 0 min RTO goal');
    expect(line).toContain('Steps tried: none yet');
    expect(line).toContain('Current blocker: the agent on routing-ml is offline');
  });

  it('keeps climbing after an ack (the procedure escalates by age)', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    await h.advance(10 * MIN);
    expect((await h.incidents.ack(inc, h.core.as('Park DevOps'))).ok).toBe(true);
    await h.advance(20 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent']);
  });

  it('does not page the backend developer at 02:30 on a Saturday, says why, and continues to IT support', async () => {
    h = await schedulerHarness({ now: kst(2026, 11, 28, 2, 0) });
    const inc = await h.open();
    await h.advance(30 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent']);
    const texts = byDrbot(await h.timeline(inc.id), 'page').map((e) => e.text);
    expect(texts).toContainEqual(expect.stringMatching(/Lee Backend not paged — outside working hours \(Mon, Tue, Wed, Thu, Fri 09:00–18:00 Asia\/Seoul\)/));
    expect(texts).toContainEqual(expect.stringContaining('nobody with the backend role is available now; the ladder continues'));
    expect((await h.core.store.incidents.get(inc.id))!.level).toBe(1);
    await h.advance(30 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '2:Choi Network:sent']);
  });

  it('pages the backend developer at 10:30 when opened on a Tuesday at 10:00', async () => {
    h = await schedulerHarness({ now: kst(2026, 11, 24, 10, 0) });
    const inc = await h.open();
    await h.advanceTo(kst(2026, 11, 24, 10, 30));
    const d = await h.deliveries(inc.id);
    expect(d.find((x) => x.level === 1)).toMatchObject({ person: 'Lee Backend', status: 'sent', at: kst(2026, 11, 24, 10, 30) });
  });

  it('does not page working-hours people on a configured public holiday', async () => {
    h = await schedulerHarness({ holidays: ['2026-11-24'] });
    const inc = await h.open();
    await h.advance(30 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent']);
    expect(byDrbot(await h.timeline(inc.id), 'page').map((e) => e.text)).toContainEqual(expect.stringContaining('Lee Backend not paged — public holiday'));
  });

  it('pages the next available person of the role when the first is outside their hours', async () => {
    const backendNight = {
      name: 'Yoon Backend',
      roles: ['backend' as const],
      available: 'always' as const,
      pageVia: ['chat' as const],
    };
    const contacts = {
      contacts: [
        { name: 'Kim DevOps', roles: ['devops' as const], available: 'always' as const, pageVia: ['chat' as const] },
        { name: 'Lee Backend', roles: ['backend' as const], available: { days: ['mon' as const], from: '09:00', to: '18:00', holidays: false }, pageVia: ['chat' as const] },
        backendNight,
        { name: 'Choi Network', roles: ['it_support' as const], available: 'always' as const, pageVia: ['chat' as const] },
        { name: 'Jung CTO', roles: ['cto' as const], available: 'always' as const, pageVia: ['chat' as const] },
      ],
    };
    h = await schedulerHarness({ contacts });
    const inc = await h.open();
    await h.advance(30 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '1:Yoon Backend:sent']);
    expect(byDrbot(await h.timeline(inc.id), 'page').map((e) => e.text)).toContainEqual(expect.stringContaining('Lee Backend not paged — outside working hours'));
  });

  it('escalate pages the next level now, and that level is not paged again at its time', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    await h.advance(5 * MIN);
    const r = await h.incidents.escalate(inc, h.core.as('Kim DevOps'));
    expect(r.ok && r.value.level).toBe(1);
    await h.core.events.settled();
    await h.scheduler.whenIdle();
    const d = await h.deliveries(inc.id);
    expect(pagedPeople(d)).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent']);
    expect(d[1]!.at).toBe(TUESDAY_10_KST + 5 * MIN);
    expect(byDrbot(await h.timeline(inc.id), 'page').map((e) => e.text)).toContainEqual(expect.stringContaining('escalated by Kim DevOps'));

    await h.advance(30 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent']);
    await h.advance(25 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent', '2:Choi Network:sent']);
  });

  it('stops when the incident is resolved', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    await h.advance(20 * MIN);
    expect((await h.incidents.resolve(inc, h.core.as('Kim DevOps'), 'predictor restarted')).ok).toBe(true);
    await h.advance(9 * HOUR);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent']);
    expect(byDrbot(await h.timeline(inc.id)).filter((e) => e.kind !== 'page')).toEqual([]);
  });

  it('stops when the incident is cancelled', async () => {
    h = await schedulerHarness();
    const inc = await h.open();
    await h.advance(45 * MIN);
    expect((await h.incidents.cancel(inc, h.core.as('Kim DevOps'), 'false alarm')).ok).toBe(true);
    await h.advance(9 * HOUR);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent']);
    expect(byDrbot(await h.timeline(inc.id), 'alarm')).toEqual([]);
  });

  it('records a failed page in the timeline and the deliveries row when no platform reaches the person, then tries the next person of the rung', async () => {
    h = await schedulerHarness({}, {}, { console: false });
    const inc = await h.open();
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:failed', '0:Park DevOps:failed']);
    const pages = byDrbot(await h.timeline(inc.id), 'page').map((e) => e.text);
    expect(pages[0]).toContain('page to Kim DevOps (devops) failed: no chat platform reaches Kim DevOps');
    expect(pages[1]).toContain('paging Park DevOps (devops) instead');
    expect(pages[2]).toContain('page to Park DevOps (devops) failed');
    expect(pages[3]).toContain('nobody else with the devops role can be paged now');
  });
});
