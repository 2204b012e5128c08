import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { anIncidentId } from '../support/an-incident.js';

let core: TestRuntime;
beforeEach(async () => {
  core = await buildTestRuntime();
});
afterEach(() => core.close());

describe('/incident open', () => {
  it('opens a Type 2 incident and shows its title, symptoms, diagnostics and recovery steps with their commands', async () => {
    const reply = await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    expect(reply.refused).toBeFalsy();
    const text = await replyText(reply);
    const id = anIncidentId(1);
    expect(reply.incidentId).toBe(id);
    expect(text).toContain(`Opened ${id}`);
    expect(text).toContain('Type 2: Access database unreachable');
    for (const symptom of core.pack.types[1]!.symptoms) expect(text).toContain(symptom.en);
    for (const step of core.pack.types[1]!.diagnostics) expect(text).toContain(`/incident run ${id} ${step.id}`);
    expect(text).toContain(`/incident plan ${id} restore-db-from-yesterday`);
    expect(text).toContain(`/incident plan ${id} restart-predictor`);
  });

  it('records who opened it, ticks the immediate checklist items it answers, and schedules the ladder and RTO timers', async () => {
    await core.router.dispatch('/incident open db partial DB connection failed', core.as('Kim DevOps'));
    const incident = (await core.store.incidents.get(anIncidentId(1)))!;
    expect(incident).toMatchObject({ type: 2, scope: 'partial', note: 'DB connection failed', status: 'open', openedBy: 'Kim DevOps', commander: 'Kim DevOps' });
    const ticks = (await core.store.incidents.checklist(incident.id)).map((t) => t.itemId).sort();
    expect(ticks).toEqual(['identify-type', 'impact-scope', 'record-time']);
    const timers = await core.store.timers.forIncident(incident.id);
    const due = Object.fromEntries(timers.map((t) => [t.kind, (t.dueAt - incident.openedAt) / 60_000]));
    expect(due).toEqual({ 'ladder-0': 0, 'ladder-1': 30, 'ladder-2': 60, 'ladder-3': 120, quiet: 30, 'rto-warning': 180, 'rto-goal': 240, 'rto-limit': 480 });
    const timeline = await core.store.incidents.timeline(incident.id);
    expect(timeline[0]).toMatchObject({ kind: 'opened', actor: 'Kim DevOps' });
  });

  it("builds the new incident's card from what the open committed, without reading it back, and it is the card a fresh read builds", async () => {
    const reply = await core.router.dispatch('/incident open db partial DB connection failed', core.as('Kim DevOps'));
    const reads: string[] = [];
    const incidents = core.store.incidents;
    for (const method of ['get', 'checklist', 'approvals', 'stepRuns', 'timeline'] as const) {
      const original = incidents[method].bind(incidents) as (...args: unknown[]) => Promise<unknown>;
      (incidents as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => (reads.push(method), original(...args));
    }
    const card = await reply.card!.render();
    expect(reads).toEqual([]);
    const { incidentCard } = await import('../../src/views/incident-card.js');
    const fresh = incidentCard(await loadIncidentSnapshot(core, (await incidents.get(reply.incidentId!))!), core.pack, core.lang, 'full');
    expect(card).toEqual(fresh);
  });

  it('numbers incidents per day in the pack time zone', async () => {
    await core.router.dispatch('/incident open 1', core.as('Kim DevOps'));
    await core.router.dispatch('/incident open 4', core.as('Kim DevOps'));
    // 2026-11-24 15:30 UTC is already 2026-11-25 in Seoul.
    await core.clock.set(Date.UTC(2026, 10, 24, 15, 30));
    const reply = await core.router.dispatch('/incident open 5', core.as('Kim DevOps'));
    expect((await core.store.incidents.list()).map((i) => i.id).sort()).toEqual([anIncidentId(1), anIncidentId(2), anIncidentId(1, '20261125')]);
    expect(reply.incidentId).toBe(anIncidentId(1, '20261125'));
  });

  it('returns the same incident when a platform retries the same event', async () => {
    const first = await core.router.dispatch('/incident open type2', core.as('Kim DevOps'), { eventId: 'trigger-1' });
    const retry = await core.router.dispatch('/incident open type2', core.as('Kim DevOps'), { eventId: 'trigger-1' });
    expect(retry.incidentId).toBe(first.incidentId);
    expect(await replyText(retry)).toContain(`Already opened as ${anIncidentId(1)}`);
    expect(await core.store.incidents.count()).toBe(1);
  });

  it('refuses an unknown type with the list of types and changes nothing', async () => {
    const reply = await core.router.dispatch('/incident open printer', core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toMatch(/Unknown fault type "printer"[\s\S]*type1[\s\S]*Usage: \/incident open/);
    expect(await core.store.incidents.count()).toBe(0);
  });

  it('refuses people who are not on the contact list', async () => {
    const stranger = { platform: 'slack' as const, userId: 'U999', name: 'stranger', roles: [] };
    const reply = await core.router.dispatch('/incident open type1', stranger);
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('not on the contact list');
    expect(await core.store.incidents.count()).toBe(0);
  });

  it('speaks Korean when configured', async () => {
    const ko = await buildTestRuntime({ lang: 'ko' });
    const text = await replyText(await ko.router.dispatch('/incident open 디비', ko.as('Kim DevOps')));
    expect(text).toContain(`인시던트 ${anIncidentId(1)} 열림`);
    expect(text).toContain('Access Database 접근 불가');
    expect(text).toContain('체크리스트');
    await ko.close();
  });
});
