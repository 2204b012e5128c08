import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SLACK_USERS } from '../slack/support/slack-harness.js';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { startBoth } from '../../support/slack-and-teams.js';

let both: Awaited<ReturnType<typeof startBoth>> | undefined;
afterEach(async () => {
  await both?.stop();
  both = undefined;
});

describe('Report prevention and lessons typed in Slack and Teams', () => {
  it('a prevention line from Slack and a lessons line from Teams both land in the written report, escaped', async () => {
    both = await startBoth();
    const b = both;
    const incident = await b.openFromSlack();
    const id = incident.id;

    expect(await b.slash(`report ${id} prevention Alert when *no* backup is written by 03:00`, SLACK_USERS.kim)).toBe(200);
    await b.settle();
    expect(JSON.stringify(b.slackApi.answers().at(-1)!.args)).toContain("Added to the report's prevention");

    expect(await b.slash(`resolve ${id} corrupt accdb`, SLACK_USERS.kim)).toBe(200);
    await b.settle();
    expect(await b.teamsPost(b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).mentioning(`incident report ${id} lessons Check the file signature | before restoring`).build())).toBe(200);
    await b.settle();
    const teamsReply = b.connector.calls.filter((c) => c.method === 'POST').map((c) => JSON.stringify(c.body)).find((t) => t.includes("Added to the report's lessons"));
    expect(teamsReply).toBeDefined();

    const file = await b.core.store.reportFiles.fileOf(id);
    const text = await readFile(join(b.core.reportsDir, file!), 'utf8');
    expect(text).toContain('<!-- drbot:keep prevention -->\n- [ ] Alert when \\*no\\* backup is written by 03:00\n<!-- /drbot:keep prevention -->');
    expect(text).toContain('<!-- drbot:keep lessons -->\n- Check the file signature \\| before restoring\n<!-- /drbot:keep lessons -->');
  });
});
