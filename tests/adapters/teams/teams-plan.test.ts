import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { BackupsAgentPort } from '../../support/backups-agent-port.js';
import { buildTestRuntime } from '../../support/test-runtime.js';
import { anIncidentId } from '../../support/an-incident.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { TEAMS_USERS } from './support/a-teams-activity.js';
import { startTeamsHarness, type TeamsHarness } from './support/teams-harness.js';

const ID = anIncidentId(1);
let h: TeamsHarness;
let agent: BackupsAgentPort;

beforeEach(async () => {
  agent = new BackupsAgentPort();
  h = await startTeamsHarness({ core: await buildTestRuntime({ agents: agent }) });
  await h.post(h.activity().inChannel().mentioning('incident open type2').build());
});
afterEach(async () => {
  for (const card of h.connector.cards()) expect(adaptiveCardProblems(card)).toEqual([]);
  await h.close({ closeStore: true });
});

type Element = Record<string, unknown> & { type: string };

/** Every element of the card answering an activity, nested ones (ShowCard panels, containers) included. */
function answerElements(activityId: string): Element[] {
  const card = h.connector.calls.find((c) => c.activityId === activityId)!.body.attachments![0]!.content;
  const out: Element[] = [];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if (typeof (x as Element).type === 'string') out.push(x as Element);
      Object.values(x).forEach(walk);
    }
  };
  walk(card);
  return out;
}
const restores = () => agent.requests.filter((r) => r.action === 'restore_file');

describe('Teams: a step’s plan, its choices and its approval', () => {
  it('shows the plan with an Input.ChoiceSet of the backups and an Approve panel holding the plan; submitting a choice shows its plan; approving it runs that backup', async () => {
    const ask = h.activity().from(TEAMS_USERS.lee).inChannel().submitting(`/incident plan ${ID} restore-db-from-yesterday`).build();
    await h.post(ask);
    let els = answerElements(ask.id as string);
    const set = els.find((e) => e.type === 'Input.ChoiceSet') as Element & { id: string; choices: { title: string; value: string }[] };
    expect(set.choices.map((c) => c.title)).toEqual(['routing_20261123.accdb (26 h old)', 'routing_20261122.accdb (50 h old)']);
    const panel = JSON.stringify(els.find((e) => e.type === 'Action.ShowCard'));
    expect(panel).toContain('Host routing-ml: access\\\\_db ← /backup/routing\\\\_20261123.accdb');
    expect(panel).toContain('backup age: 26 h old — past the RPO goal (24 h), within the limit (72 h)');

    // Teams sends the Submit's data merged with the picked value.
    const submit = els.find((e) => e.type === 'Action.Submit' && JSON.stringify(e).includes('commandFrom')) as Element & { data: Record<string, string> };
    const pick = h.activity().from(TEAMS_USERS.lee).inChannel().build();
    delete pick.text;
    pick.value = { ...submit.data, [set.id]: set.choices[1]!.value };
    await h.post(pick);
    els = answerElements(pick.id as string);
    expect((els.find((e) => e.type === 'Input.ChoiceSet') as Element & { value: string }).value).toBe(`/incident plan ${ID} restore-db-from-yesterday routing_20261122.accdb`);
    const approve = els.find((e) => e.type === 'Action.Submit' && JSON.stringify(e).includes('/incident approve')) as Element & { data: { command: string } };
    expect(approve.data.command).toMatch(new RegExp(`^/incident approve ${ID} restore-db-from-yesterday routing_20261122.accdb plan:[0-9a-f]{12}$`));
    expect(restores()).toHaveLength(0);

    await h.post(h.activity().from(TEAMS_USERS.lee).inChannel().submitting(approve.data.command).build());
    expect(restores()).toEqual([expect.objectContaining({ params: { file: 'access_db', from: 'routing_20261122.accdb' } })]);
  });

  it('a bad choice gets the valid ones and nothing runs', async () => {
    const bad = h.activity().from(TEAMS_USERS.lee).inChannel().mentioning('incident approve 6 20261101').build();
    await h.post(bad);
    expect(String(h.connector.calls.find((c) => c.activityId === bad.id)!.body.text)).toContain('Valid choices: routing\\_20261123.accdb (26 h old), routing\\_20261122.accdb (50 h old)');
    expect(restores()).toHaveLength(0);
    expect(await h.core.store.incidents.approvals(ID)).toEqual([]);
  });
});
