import { afterEach, describe, expect, it } from '@jest/globals';
import { startTeamsHarness, type TeamsHarness } from './support/teams-harness.js';

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close({ closeStore: true });
  h = undefined;
});

const countRows = async (h: TeamsHarness) => ({
  incidents: (await h.core.store.tableRows('incidents')).length,
  refs: (await h.core.store.tableRows('conversation_refs')).length,
});

describe('Teams endpoint authentication', () => {
  it('with an app id configured, refuses an unauthenticated request with 401 and does nothing', async () => {
    h = await startTeamsHarness({ env: { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret' } });
    const res = await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    expect(res.status).toBe(401);
    expect(await countRows(h)).toEqual({ incidents: 0, refs: 0 });
    expect(h.connector.calls).toEqual([]);
  });

  it('with an app id configured, refuses a forged bearer token with 401 and does nothing', async () => {
    h = await startTeamsHarness({ env: { MicrosoftAppId: '11111111-2222-3333-4444-555555555555', MicrosoftAppPassword: 'not-a-real-secret' } });
    // a Bot Connector serviceUrl, so the activity passes drbot's own checks and reaches the token validation
    const activity = { ...h.activity().inChannel().mentioning('incident open type2').build(), serviceUrl: 'https://smba.trafficmanager.net/emea/' };
    const res = await h.post(activity, { authorization: 'Bearer not.a.jwt' });
    expect(res.status).toBe(401);
    expect(await countRows(h)).toEqual({ incidents: 0, refs: 0 });
    expect(h.connector.calls).toEqual([]);
  });

  it('with neither an app id nor DRBOT_TEAMS_INSECURE, Teams is off and /api/messages is 404', async () => {
    h = await startTeamsHarness({ env: {} });
    const res = await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    expect(res.status).toBe(404);
    expect(await countRows(h)).toEqual({ incidents: 0, refs: 0 });
  });

  it('in insecure mode serves without authentication (local emulator / fake connector)', async () => {
    h = await startTeamsHarness({ env: { DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '127.0.0.1' } });
    const res = await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    expect(res.status).toBe(200);
    expect((await countRows(h)).incidents).toBe(1);
  });
});
