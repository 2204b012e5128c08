import { afterEach, describe, expect, it } from '@jest/globals';
import { BLOCK_KIT_LIMITS } from '../../../adapters/slack/render-block-kit.js';
import { BackupsAgentPort } from '../../support/backups-agent-port.js';
import { SLACK_USERS, startSlackHarness, type SlackHarness } from './support/slack-harness.js';

type Element = { type: string; value?: string; options?: { text: { text: string }; value: string }[]; initial_option?: { value: string }; confirm?: { text: { text: string } } };
type Block = { type: string; text?: { text: string }; elements?: Element[] };

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function openType2(agents: BackupsAgentPort): Promise<string> {
  h = await startSlackHarness({ agents });
  expect(await h.slash('open type2 full db gone', SLACK_USERS.kim)).toBe(200);
  await h.settle();
  return (await h.core.store.incidents.list(['open'], 10))[0]!.id;
}

/** The blocks of the newest private answer (in a command's ack or at a response_url). */
function lastAnswer(harness: SlackHarness): { blocks: Block[]; text: string } {
  const args = harness.fake.answers().at(-1)!.args as { blocks?: Block[] | string; text: string; response_type?: string };
  expect(args.response_type).toBe('ephemeral');
  return { blocks: typeof args.blocks === 'string' ? (JSON.parse(args.blocks) as Block[]) : (args.blocks ?? []), text: String(args.text) };
}
const elements = (blocks: Block[]) => blocks.flatMap((b) => b.elements ?? []);

describe('Slack: a step’s plan, its choices and its approval', () => {
  it('the card’s Approve button shows the plan privately: a select menu of the backups (newest first, with age) and an Approve whose dialog holds the plan; picking a backup shows its plan; approving runs that backup', async () => {
    const agents = new BackupsAgentPort();
    const id = await openType2(agents);
    const card = String(h!.fake.callsOf('chat.postMessage')[0]!.args.blocks);
    expect(card).toContain(`/incident plan ${id} restore-db-from-yesterday`);

    await h!.click(`/incident plan ${id} restore-db-from-yesterday`, SLACK_USERS.lee);
    await h!.settle();
    let answer = lastAnswer(h!);
    const menu = elements(answer.blocks).find((e) => e.type === 'static_select')!;
    expect(menu.options!.map((o) => o.text.text)).toEqual(['routing_20261123.accdb (26 h old)', 'routing_20261122.accdb (50 h old)']);
    const approve = elements(answer.blocks).find((e) => e.value?.startsWith('/incident approve'))!;
    expect(approve.confirm!.text.text).toContain('Host routing-ml: access_db ← /backup/routing_20261123.accdb');
    expect(approve.confirm!.text.text).toContain('backup age: 26 h old — past the RPO goal (24 h), within the limit (72 h)');
    expect(approve.confirm!.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.confirmText);

    // Picking the older backup in the menu is the same command as typing it.
    await h!.click(menu.options![1]!.value, SLACK_USERS.lee, { menu: true });
    await h!.settle();
    answer = lastAnswer(h!);
    const picked = elements(answer.blocks).find((e) => e.type === 'static_select')!;
    expect(picked.initial_option!.value).toBe(`/incident plan ${id} restore-db-from-yesterday routing_20261122.accdb`);
    const approveOlder = elements(answer.blocks).find((e) => e.value?.startsWith('/incident approve'))!;
    expect(approveOlder.value).toMatch(new RegExp(`^/incident approve ${id} restore-db-from-yesterday routing_20261122.accdb plan:[0-9a-f]{12}$`));
    expect(approveOlder.confirm!.text.text).toContain('access_db ← /backup/routing_20261122.accdb');
    expect(agents.requests.filter((r) => r.action === 'restore_file')).toHaveLength(0);

    await h!.click(approveOlder.value!, SLACK_USERS.lee);
    await h!.settle();
    expect(agents.requests.filter((r) => r.action === 'restore_file')).toEqual([expect.objectContaining({ params: { file: 'access_db', from: 'routing_20261122.accdb' } })]);
  });

  it('a long plan stays whole in the private answer; the dialog shows what fits and says where the full plan is', async () => {
    const agents = new BackupsAgentPort();
    agents.extraFacts = Array.from({ length: 10 }, (_, i) => ({ label: `live file ${i}`, value: `/srv/routing/db/part-${i}.accdb (4194304 bytes, modified 2026-11-24T01:0${i}:00Z)` }));
    const id = await openType2(agents);
    await h!.slash(`plan ${id} 6`, SLACK_USERS.lee);
    await h!.settle();
    const { blocks } = lastAnswer(h!);
    const text = blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : [])).join('\n');
    for (const f of agents.extraFacts) expect(text).toContain(f.value);
    const approve = elements(blocks).find((e) => e.value?.startsWith('/incident approve'))!;
    expect(approve.confirm!.text.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.confirmText);
    expect(approve.confirm!.text.text.endsWith('… full plan: in the message above')).toBe(true);
  });

  it('an Approve whose plan went stale (a newer backup landed) is refused privately with what changed and the plan now, with its own Approve button', async () => {
    const agents = new BackupsAgentPort();
    const id = await openType2(agents);
    await h!.click(`/incident plan ${id} restore-db-from-yesterday`, SLACK_USERS.lee);
    await h!.settle();
    const stale = elements(lastAnswer(h!).blocks).find((e) => e.value?.startsWith('/incident approve'))!;
    agents.backups.unshift('routing_20261124.accdb');
    await h!.click(stale.value!, SLACK_USERS.lee);
    await h!.settle();
    const answer = lastAnswer(h!);
    expect(answer.text).toContain('the backup and the newest backup changed since the plan you approved was shown — approve again');
    const fresh = elements(answer.blocks).find((e) => e.value?.startsWith('/incident approve'))!;
    expect(fresh.value).not.toBe(stale.value);
    expect(fresh.confirm!.text.text).toContain('access_db ← /backup/routing_20261124.accdb');
    expect(agents.requests.filter((r) => r.action === 'restore_file')).toHaveLength(0);
    await h!.click(fresh.value!, SLACK_USERS.lee);
    await h!.settle();
    // No choice was made: the step's own parameter goes to the agent, and the approval holds the plan it resolved to.
    expect(agents.requests.filter((r) => r.action === 'restore_file')).toEqual([expect.objectContaining({ params: { file: 'access_db', from: 'yesterday' } })]);
    expect((await h!.core.store.incidents.approvals(id))[0]!.plan).toMatchObject({ target: 'access_db ← /backup/routing_20261124.accdb' });
  });

  it('a bad choice typed or sent gets the valid ones, privately, and nothing runs', async () => {
    const agents = new BackupsAgentPort();
    const id = await openType2(agents);
    await h!.slash(`approve ${id} 6 20261101`, SLACK_USERS.lee);
    await h!.settle();
    expect(lastAnswer(h!).text).toContain('Valid choices: routing_20261123.accdb (26 h old), routing_20261122.accdb (50 h old)');
    await h!.click(`/incident plan ${id} restore-db-from-yesterday nothere`, SLACK_USERS.lee, { menu: true });
    await h!.settle();
    expect(lastAnswer(h!).text).toContain('"nothere" is not one of the targets');
    expect(agents.requests.filter((r) => r.action === 'restore_file')).toHaveLength(0);
    expect(await h!.core.store.incidents.approvals(id)).toEqual([]);
  });
});
