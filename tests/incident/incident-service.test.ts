import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { IncidentChanged } from '../../src/incident/incident-events.js';
import { openingTimers } from '../../src/incident/timer-kinds.js';
import { buildTestRuntime, TUESDAY_10_KST, type TestRuntime } from '../support/test-runtime.js';
import { anIncidentId } from '../support/an-incident.js';

let core: TestRuntime;
let events: IncidentChanged[];
beforeEach(async () => {
  core = await buildTestRuntime();
  events = [];
  core.events.onIncident((e) => {
    events.push(e);
  });
});
afterEach(() => core.close());

const typeOf = (id: number) => core.pack.types.find((t) => t.id === id)!;

describe('IncidentService', () => {
  it('opens with its first entry, the engine-ticked items and every timer of openingTimers, in one transaction, and says who opened it from where', async () => {
    const kim = { ...core.as('Kim DevOps'), platform: 'slack' as const, via: { channel: 'C42', eventId: 'trigger-1' } };
    const { incident, created } = await core.incidents.open({ type: typeOf(2), scope: 'partial', note: 'DB down', actor: kim, dedupeKey: 'slack:trigger-1' });
    await core.events.settled();
    expect(created).toBe(true);
    expect(incident).toMatchObject({ id: anIncidentId(1), status: 'open', type: 2, scope: 'partial', openedBy: 'Kim DevOps', commander: 'Kim DevOps', level: 0 });
    const timers = (await core.store.timers.forIncident(incident.id)).map((t) => ({ kind: t.kind, dueAt: t.dueAt }));
    expect(timers.sort((a, b) => a.kind.localeCompare(b.kind))).toEqual(
      openingTimers(core.pack, TUESDAY_10_KST)
        .map((t) => ({ kind: t.kind, dueAt: t.dueAt }))
        .sort((a, b) => a.kind.localeCompare(b.kind)),
    );
    expect((await core.store.incidents.checklist(incident.id)).map((t) => t.itemId).sort()).toEqual(['identify-type', 'impact-scope', 'record-time']);
    expect((await core.store.incidents.timeline(incident.id)).map((e) => e.kind)).toEqual(['opened']);
    expect(events).toEqual([
      expect.objectContaining({
        incidentId: incident.id,
        change: 'opened',
        incident,
        origin: { platform: 'slack', actor: 'Kim DevOps', channel: 'C42', eventId: 'trigger-1', requestKey: 'slack:trigger-1' },
        entries: [expect.objectContaining({ kind: 'opened' })],
      }),
    ]);
  });

  it('returns the first incident for a second open with the same key, and announces nothing', async () => {
    const kim = core.as('Kim DevOps');
    const first = await core.incidents.open({ type: typeOf(1), scope: 'full', note: '', actor: kim, dedupeKey: 'slack:t-9' });
    const again = await core.incidents.open({ type: typeOf(3), scope: 'feature', note: 'retry', actor: kim, dedupeKey: 'slack:t-9' });
    await core.events.settled();
    expect(again).toEqual({ incident: first.incident, created: false });
    expect(events.map((e) => e.change)).toEqual(['opened']);
    expect(await core.store.incidents.count()).toBe(1);
  });

  it('gives concurrent opens consecutive numbers of the day', async () => {
    const kim = core.as('Kim DevOps');
    const opened = await Promise.all([1, 2, 3, 4].map((type) => core.incidents.open({ type: typeOf(type), scope: 'full', note: '', actor: kim })));
    expect(opened.map((o) => o.incident.seq).sort()).toEqual([1, 2, 3, 4]);
  });

  it('resolves once: stops the timers, announces the committed incident, and refuses a second resolve', async () => {
    const kim = core.as('Kim DevOps');
    const { incident } = await core.incidents.open({ type: typeOf(1), scope: 'full', note: '', actor: kim });
    await core.clock.advance(30 * 60_000);
    const resolved = await core.incidents.resolve(incident, kim, 'restarted uvicorn');
    await core.events.settled();
    expect(resolved.ok && resolved.value).toMatchObject({ status: 'resolved', resolvedBy: 'Kim DevOps', cause: 'restarted uvicorn', lastActivityAt: TUESDAY_10_KST + 30 * 60_000 });
    expect((await core.store.timers.forIncident(incident.id)).every((t) => t.cancelledAt !== undefined || t.firedAt !== undefined)).toBe(true);
    const change = events.find((e) => e.change === 'resolved')!;
    expect(change.incident).toEqual(resolved.ok ? resolved.value : undefined);
    expect(change.incident).toEqual(await core.store.incidents.get(incident.id));
    const again = await core.incidents.resolve(incident, kim, 'twice');
    expect(again.ok).toBe(false);
  });

  it('finds the one open incident when no id is typed, and explains when there are none or several', async () => {
    const kim = core.as('Kim DevOps');
    expect(await core.incidents.target(undefined)).toMatchObject({ ok: false, reason: { en: 'No incident is open; give an incident id.' } });
    const { incident } = await core.incidents.open({ type: typeOf(1), scope: 'full', note: '', actor: kim });
    expect(await core.incidents.target(undefined)).toEqual({ ok: true, value: incident });
    await core.incidents.open({ type: typeOf(2), scope: 'full', note: '', actor: kim });
    expect(await core.incidents.target(undefined)).toMatchObject({ ok: false, reason: { en: `Several incidents are open; give an id: ${anIncidentId(2)}, ${anIncidentId(1)}` } });
    // The example id is part of drbot's message (what an id looks like), not an incident of this runtime.
    expect(await core.incidents.target('nonsense')).toMatchObject({ ok: false, reason: { en: '"nonsense" is not an incident id (e.g. INC-20261126-001).' } });
  });

  it('escalates to the next unfired rung and refuses at the top', async () => {
    const kim = core.as('Kim DevOps');
    const { incident } = await core.incidents.open({ type: typeOf(1), scope: 'full', note: '', actor: kim });
    const r = await core.incidents.escalate(incident, kim);
    expect(r.ok && r.value.level).toBe(1);
    const ladder1 = (await core.store.timers.forIncident(incident.id)).find((t) => t.kind === 'ladder-1')!;
    expect(ladder1).toMatchObject({ dueAt: TUESDAY_10_KST, payload: { level: 1, manual: true, by: 'Kim DevOps' } });
  });
});
