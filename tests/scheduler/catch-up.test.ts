import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { byDrbot, HOUR, MIN, pagedPeople, schedulerHarness, tmpDbFile, type SchedulerHarness } from './scheduler-harness.js';

let h: SchedulerHarness;
let file: string;
afterEach(async () => {
  await h?.close();
  rmSync(dirname(file), { recursive: true, force: true });
});

describe('catch-up after downtime', () => {
  it('fires what came due while stopped once each, late, and says by how much', async () => {
    file = tmpDbFile();
    h = await schedulerHarness({ store: await SqliteStore.open(file) });
    const inc = await h.open();
    await h.advance(5 * MIN);
    await h.stop();

    // drbot is down for 3 hours: the backend, IT support, CTO rungs and the RTO warning all come due.
    await h.clock.advance(3 * HOUR);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent']);

    await h.restart();
    const deliveries = await h.deliveries(inc.id);
    expect(pagedPeople(deliveries)).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent', '2:Choi Network:sent', '3:Jung CTO:sent']);
    expect(deliveries.slice(1).every((d) => d.at === TUESDAY_10_KST + 3 * HOUR + 5 * MIN)).toBe(true);
    const late = byDrbot(await h.timeline(inc.id), 'system').map((e) => e.text);
    expect(late).toEqual(
      expect.arrayContaining([
        '⌛ level 1 page fired 2 h 35 min late (due 2026-11-24 10:30; drbot was not running)',
        '⌛ level 2 page fired 2 h 5 min late (due 2026-11-24 11:00; drbot was not running)',
        '⌛ level 3 page fired 1 h 5 min late (due 2026-11-24 12:00; drbot was not running)',
        '⌛ RTO alarm (rto-warning) fired 5 min late (due 2026-11-24 13:00; drbot was not running)',
      ]),
    );
    // The quiet timer came due too, but the catch-up pages are activity: it moves on without a note.
    expect(late.filter((t) => t.includes('quiet-incident reminder'))).toEqual([]);
    expect(byDrbot(await h.timeline(inc.id), 'alarm')).toHaveLength(1);

    // Time goes on: nothing fires a second time.
    await h.advance(30 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toHaveLength(4);
    expect(byDrbot(await h.timeline(inc.id), 'alarm')).toHaveLength(1);
  });

  it('retakes a timer whose claim expired and does not resend a page that was reserved but never recorded', async () => {
    file = tmpDbFile();
    h = await schedulerHarness({ store: await SqliteStore.open(file) });
    const inc = await h.open();
    await h.stop();
    // A scheduler that crashed at 10:30 right after committing its claim of ladder-1 (page reserved, not sent).
    await h.clock.advance(30 * MIN);
    const ladder1 = (await h.core.store.timers.forIncident(inc.id)).find((t) => t.kind === 'ladder-1')!;
    await h.core.store.writeTransaction(async (tx) => {
      await tx.timers.claim(ladder1.id, h.clock.now(), 'crashed-host:123', h.clock.now() + 5 * MIN);
      await tx.timers.setPayload(ladder1.id, { ...ladder1.payload, reservedAt: h.clock.now() });
      expect(await tx.deliveries.reserve(inc.id, 1, 'Lee Backend', h.clock.now(), 'ladder-1')).toBe(true);
    });
    await h.restart();
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:pending']);
    await h.advance(5 * MIN);
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:unknown']);
    expect(h.printed.filter((l) => l.startsWith('PAGE → Lee Backend'))).toEqual([]);
    const texts = byDrbot(await h.timeline(inc.id)).map((e) => e.text);
    expect(texts).toContainEqual(expect.stringContaining('page to Lee Backend has an unknown outcome (drbot stopped while sending); not resent'));
    expect(texts).toContainEqual('⌛ level 1 page fired 5 min late (due 2026-11-24 10:30; the previous claim by crashed-host:123 never finished)');
  });
});

describe('a slow page', () => {
  it('is not retaken by its own scheduler when the lease runs out while it is still sending', async () => {
    file = tmpDbFile();
    h = await schedulerHarness({ store: await SqliteStore.open(file) }, {}, { console: false });
    let release: () => void = () => {};
    const sent: string[] = [];
    h.core.chat.register({
      platform: 'slack',
      canReach: () => true,
      send: async (request) => {
        await new Promise<void>((resolve) => (release = resolve));
        sent.push(request.contact.name);
      },
    });
    const { incident } = await h.incidents.open({ type: h.core.pack.types[0]!, scope: 'full', note: '', actor: h.core.as('Kim DevOps') });
    await h.core.clock.advance(12 * MIN);
    expect(pagedPeople(await h.deliveries(incident.id))).toEqual(['0:Kim DevOps:pending']);
    release();
    await h.scheduler.whenIdle();
    await h.core.events.settled();
    expect(sent).toEqual(['Kim DevOps']);
    expect(pagedPeople(await h.deliveries(incident.id))).toEqual(['0:Kim DevOps:sent']);
    expect(byDrbot(await h.timeline(incident.id)).map((e) => e.text)).not.toContainEqual(expect.stringContaining('unknown outcome'));
  });
});
