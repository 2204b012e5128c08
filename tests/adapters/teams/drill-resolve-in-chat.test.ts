import { afterEach, describe, expect, it } from '@jest/globals';
import { SLACK_USERS } from '../slack/support/slack-harness.js';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { startBoth } from '../../support/slack-and-teams.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';

let both: Awaited<ReturnType<typeof startBoth>> | undefined;
afterEach(async () => {
  await both?.stop();
  both = undefined;
});

describe('resolving a drill whose fault cannot be undone, from Slack and Teams', () => {
  it('both replies say which fault is still in place and why, and the drill stays open', async () => {
    const agent = new ScriptedAgentPort()
      .answer('drill_fault', { status: 'ok', summary: '[DRILL] fault injected: /srv/db/routing.accdb damaged' })
      .answer('drill_undo', { status: 'fail', summary: '[DRILL] undone: nothing; NOT undone: corrupt_file access_db: EISDIR: illegal operation on a directory', data: { restored: [] } });
    both = await startBoth(agent);
    const b = both;
    const { id } = await b.openFromSlack('drill type2');
    expect(await b.slash(`approve ${id} fault-corrupt-file-access-db`, SLACK_USERS.kim)).toBe(200);
    await b.settle();

    expect(await b.slash(`resolve ${id} rehearsal over`, SLACK_USERS.kim)).toBe(200);
    await b.settle();
    const slackReply = JSON.stringify(b.slackApi.answers().at(-1)!.args);
    expect(slackReply).toContain('NOT undone: corrupt_file access_db: EISDIR');
    expect(slackReply).toContain(`Drill ${id} stays open`);
    expect((await b.core.store.incidents.get(id))!.status).toBe('open');

    expect(await b.teamsPost(b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).mentioning(`incident resolve ${id} rehearsal over`).build())).toBe(200);
    await b.settle();
    // Teams shows markdown: the reply's text escapes `_` and `[`; read it unescaped.
    const teamsReply = b.connector.calls.filter((c) => c.method === 'POST').map((c) => String((c.body as { text?: string }).text ?? '').replace(/\\/g, '')).filter((t) => t.includes('stays open'));
    expect(teamsReply.join('')).toContain('NOT undone: corrupt_file access_db: EISDIR');
    expect((await b.core.store.incidents.get(id))!.status).toBe('open');
    expect(agent.requests.filter((r) => r.action === 'drill_undo')).toHaveLength(2);
  });
});
