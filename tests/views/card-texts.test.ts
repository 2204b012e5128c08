import { afterEach, describe, expect, it } from '@jest/globals';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { incidentCard } from '../../src/views/incident-card.js';
import { renderText } from '../../src/views/render-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
afterEach(() => core?.close());

async function openType1() {
  core = await buildTestRuntime();
  const opened = await core.router.dispatch('/incident open type1', core.as('Kim DevOps'));
  const incident = (await core.store.incidents.get(opened.incidentId!))!;
  return { core, snap: await loadIncidentSnapshot(core, incident) };
}

describe("the card's fixed texts (made once per pack and language)", () => {
  it('follow the pack they are made from: a pack loaded again with other words shows its own', async () => {
    const { core, snap } = await openType1();
    const before = renderText(incidentCard(snap, core.pack, 'en', 'full'));
    const step = snap.type.diagnostics[0]!;
    const stage = snap.type.stages[0]!;
    const item = core.pack.checklists.immediate[0]!;
    expect(before).toContain(`1. ${step.id} — ${step.title.en}`);

    const type = structuredClone(snap.type);
    type.diagnostics[0]!.title.en = 'A title edited in the pack';
    type.diagnostics[0]!.procedure = ['echo edited'];
    type.stages[0]!.title.en = 'An edited stage';
    const pack = structuredClone(core.pack);
    pack.checklists.immediate[0]!.text.en = 'An edited checklist item';
    const after = renderText(incidentCard({ ...snap, type }, pack, 'en', 'full'));
    expect(after).toContain(`1. ${step.id} — A title edited in the pack`);
    expect(after).toContain('$ echo edited');
    expect(after).toContain(`Recovery stage ${stage.stage}: An edited stage`);
    expect(after).toContain(`1. ${item.id} — An edited checklist item`);
    expect(after).not.toContain(step.title.en);
    // The first pack's card is still its own.
    expect(renderText(incidentCard(snap, core.pack, 'en', 'full'))).toBe(before);
  });

  it('are kept per language', async () => {
    const { core, snap } = await openType1();
    const step = snap.type.diagnostics[0]!;
    const en = renderText(incidentCard(snap, core.pack, 'en', 'full'));
    const ko = renderText(incidentCard(snap, core.pack, 'ko', 'full'));
    expect(en).toContain(`${step.id} — ${step.title.en}`);
    expect(ko).toContain(`${step.id} — ${step.title.ko}`);
    expect(ko).toContain(`복구 단계 ${snap.type.stages[0]!.stage}: ${snap.type.stages[0]!.title.ko}`);
    expect(ko).toContain(`체크리스트: 장애 발생 시 즉시 체크`);
    expect(en).toContain('Checklist: Immediately');
    expect(renderText(incidentCard(snap, core.pack, 'en', 'full'))).toBe(en);
  });
});
