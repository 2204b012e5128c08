import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startDrbot, type RunningDrbot } from '../../../src/app/start-drbot.js';
import { VirtualClock } from '../../../src/clock/virtual-clock.js';
import { packageRoot } from '../../../src/config/package-root.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';
import { TUESDAY_10_KST } from '../../support/test-runtime.js';
import { OPS_CHANNEL, TEAMS_USERS, TeamsActivityBuilder } from './support/a-teams-activity.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { FakeBotConnector } from './support/fake-bot-connector.js';

const MIN = 60_000;
let drbot: RunningDrbot | undefined;
let connector: FakeBotConnector | undefined;
let home: string | undefined;

afterEach(async () => {
  await drbot?.stop(2000);
  await connector?.close();
  if (home) rmSync(home, { recursive: true, force: true });
  drbot = connector = home = undefined;
});

/** A drbot home whose config names the Teams ops channel. */
function aTeamsHome(): string {
  const root = packageRoot();
  const dir = mkdtempSync(join(tmpdir(), 'drbot-teams-'));
  writeFileSync(
    join(dir, 'drbot.yaml'),
    [`runbook: ${join(root, 'runbooks/routing-ml.yaml')}`, `contacts: ${join(root, 'config/contacts.yaml')}`, 'lang: en', 'embeddedAgent:', '  enabled: false', 'teams:', `  opsConversation: "${OPS_CHANNEL}"`, ''].join('\n'),
  );
  return dir;
}

describe('Teams through startDrbot (modules.ts wiring, the real scheduler)', () => {
  it('warns loudly in insecure mode, then pages the next rung in their Teams chat when the ladder timer fires, and their ack updates the card', async () => {
    home = aTeamsHome();
    connector = new FakeBotConnector();
    await connector.start();
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
    const clock = new VirtualClock(TUESDAY_10_KST);
    drbot = await startDrbot({
      env: { DRBOT_CONFIG: join(home, 'drbot.yaml'), DATA_DIR: join(home, 'data'), PORT: '0', DRBOT_LANG: 'en', DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '127.0.0.1' },
      console: false,
      log,
      clock,
      store: await SqliteStore.open(':memory:'),
      agents: new ScriptedAgentPort(),
    });
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, msg: expect.stringContaining('WITHOUT Bot Framework authentication') }));

    const core = drbot.app.runtime;
    const endpoint = `http://127.0.0.1:${drbot.port}/api/messages`;
    const post = async (a: Record<string, unknown>) => (await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(a) })).status;
    const activity = () => new TeamsActivityBuilder(connector!.url);
    const c = connector;

    expect(await post(activity().inChannel(OPS_CHANNEL).installing().build())).toBe(200);
    expect(await post(activity().from(TEAMS_USERS.lee).inPersonalChat().installing().build())).toBe(200);
    expect(await post(activity().inChannel(OPS_CHANNEL).mentioning('incident open type2').build())).toBe(200);
    const card = await c.waitFor((x) => x.method === 'POST' && !x.activityId && x.conversationId === OPS_CHANNEL && Boolean(x.body.attachments));
    await core.events.settled();
    const [incident] = await core.store.incidents.list(['open'], 10);
    const id = incident!.id;

    // 30 minutes later the ladder reaches backend (Lee, working hours on a Tuesday): a Teams page from the stored reference.
    await clock.advance(30 * MIN);
    const page = await c.waitFor((x) => x.conversationId === `a:personal-${TEAMS_USERS.lee.id}`);
    expect(page.activityId).toBeUndefined();
    expect(JSON.stringify(page.body)).toContain(`/incident ack ${id}`);

    expect(await post(activity().from(TEAMS_USERS.lee).inPersonalChat().submitting(`/incident ack ${id}`).build())).toBe(200);
    await c.waitFor((x) => x.method === 'PUT' && x.activityId === card.answeredId && JSON.stringify(x.body).includes('Lee Backend'));
    await core.events.settled();
    expect((await core.store.incidents.get(id))?.ackedBy).toBe('Lee Backend');
    for (const sent of c.cards()) expect(adaptiveCardProblems(sent)).toEqual([]);
  });
});
