import { afterEach, describe, expect, it } from '@jest/globals';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ConfigError, DrbotError } from '../../../src/errors/drbot-error.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { SystemClock } from '../../../src/clock/system-clock.js';
import { TeamsConversations } from '../../../adapters/teams/teams-conversations.js';
import { teamsSettings } from '../../../adapters/teams/teams-settings.js';
import { activityProblem, isLoopbackHost, serviceUrlProblem } from '../../../adapters/teams/teams-trust.js';
import { startTeamsHarness, type TeamsHarness } from './support/teams-harness.js';

const APP = '11111111-2222-3333-4444-555555555555';
const TENANT = '99999999-8888-7777-6666-555555555555';
const secure = teamsSettings({ MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT });
const insecure = teamsSettings({ DRBOT_TEAMS_INSECURE: '1' });
if (secure.mode !== 'secure' || insecure.mode !== 'insecure') throw new Error('settings');

let h: TeamsHarness | undefined;
afterEach(async () => {
  await h?.close({ closeStore: true });
  h = undefined;
});

describe('serviceUrl trust (issue 12, finding 5)', () => {
  it.each([
    'https://smba.trafficmanager.net/emea/',
    'https://smba.trafficmanager.net:443/amer/',
    'https://SMBA.trafficmanager.net/apac/',
    'https://smba.infra.gcc.teams.microsoft.com/gcc/',
    'https://smba.infra.gov.teams.microsoft.us/gcch/',
    'https://smba.infra.dod.teams.microsoft.us/teams/',
    'https://europe.webchat.botframework.com/',
  ])('calls %s', (url) => {
    expect(serviceUrlProblem(url, secure)).toBeUndefined();
  });

  it.each([
    ['https://evil.trafficmanager.net/', /not a Bot Framework host/],
    ['https://smba.trafficmanager.net.evil.example/', /not a Bot Framework host/],
    ['https://emea.smba.trafficmanager.net/', /not a Bot Framework host/],
    ['https://notbotframework.com/', /not a Bot Framework host/],
    ['http://smba.trafficmanager.net/emea/', /not https/],
    ['https://user:pw@smba.trafficmanager.net/', /credentials/],
    ['https://smba.trafficmanager.net:8443/', /port 8443/],
    ['http://127.0.0.1:3978/', /not https/],
    ['file:///etc/passwd', /not https/],
    ['not a url', /not a URL/],
    [undefined, /no serviceUrl/],
  ])('never calls %s in real mode', (url, why) => {
    expect(serviceUrlProblem(url, secure)).toMatch(why);
  });

  it('in insecure (local) mode also calls a loopback connector, and nothing else new', () => {
    expect(serviceUrlProblem('http://127.0.0.1:3978/', insecure)).toBeUndefined();
    expect(serviceUrlProblem('http://localhost:3978/', insecure)).toBeUndefined();
    expect(serviceUrlProblem('http://[::1]:3978/', insecure)).toBeUndefined();
    expect(serviceUrlProblem('http://10.0.0.5:3978/', insecure)).toMatch(/not https/);
    expect(serviceUrlProblem('https://attacker.example/', insecure)).toMatch(/not a Bot Framework host/);
  });

  it('DRBOT_TEAMS_SERVICE_HOSTS adds exact hosts (a sovereign cloud); a wildcard is a config error', () => {
    const s = teamsSettings({ MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', DRBOT_TEAMS_SERVICE_HOSTS: 'smba.sovereign.example, other.example' });
    if (s.mode !== 'secure') throw new Error('secure');
    expect(serviceUrlProblem('https://smba.sovereign.example/x/', s)).toBeUndefined();
    expect(serviceUrlProblem('https://a.smba.sovereign.example/x/', s)).toMatch(/not a Bot Framework host/);
    expect(() => teamsSettings({ MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', DRBOT_TEAMS_SERVICE_HOSTS: '*.example' })).toThrow(ConfigError);
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.3.2.1', '::1', '[::1]', 'localhost'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'localhost.example'].some(isLoopbackHost)).toBe(false);
  });
});

describe('activity checks (issue 12, finding 5)', () => {
  const activity = (over: Record<string, unknown> = {}) => ({
    type: 'message',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    conversation: { id: '19:x', tenantId: TENANT },
    channelData: { tenant: { id: TENANT } },
    ...over,
  });

  it('real mode takes Teams activities of its own tenant only', () => {
    expect(activityProblem(activity(), secure)).toBeUndefined();
    expect(activityProblem(activity({ channelId: 'emulator' }), secure)).toMatchObject({ status: 403, reason: expect.stringContaining('is not msteams') });
    expect(activityProblem(activity({ channelId: 'webchat' }), secure)?.status).toBe(403);
    expect(activityProblem(activity({ channelData: { tenant: { id: 'another-tenant' } } }), secure)).toMatchObject({ status: 403, reason: expect.stringContaining('another tenant') });
    expect(activityProblem(activity({ channelData: {}, conversation: { id: '19:x' } }), secure)?.status).toBe(403);
    expect(activityProblem(activity({ serviceUrl: 'https://evil.example/' }), secure)).toMatchObject({ status: 403, reason: expect.stringContaining('evil.example') });
    expect(activityProblem([], secure)?.status).toBe(400);
    expect(activityProblem('x', secure)?.status).toBe(400);
  });

  it('insecure mode also takes the emulator', () => {
    expect(activityProblem(activity({ channelId: 'emulator', serviceUrl: 'http://localhost:5000/' }), insecure)).toBeUndefined();
    expect(activityProblem(activity({ channelId: 'slack', serviceUrl: 'http://localhost:5000/' }), insecure)?.status).toBe(403);
  });
});

describe('the Teams endpoint applies them (issue 12, finding 5)', () => {
  it('DRBOT_TEAMS_INSECURE=1 refuses to start unless drbot listens on a loopback address', async () => {
    await expect(startTeamsHarness({ env: { DRBOT_TEAMS_INSECURE: '1' } })).rejects.toThrow(/only on a loopback address; drbot would listen on 0\.0\.0\.0/);
    await expect(startTeamsHarness({ env: { DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '10.1.2.3' } })).rejects.toBeInstanceOf(ConfigError);
    h = await startTeamsHarness({ env: { DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '::1' } });
  });

  it('real mode refuses a non-Teams channel, another tenant and an untrusted serviceUrl with 403, stores nothing and calls nobody', async () => {
    h = await startTeamsHarness({ env: { MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: TENANT } });
    const auth = { authorization: 'Bearer not.a.jwt' };
    const good = { serviceUrl: 'https://smba.trafficmanager.net/emea/', channelData: { tenant: { id: TENANT } } };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...good, channelId: 'emulator' }, /is not msteams/],
      [{ ...good, channelData: { tenant: { id: 'tenant-1' } } }, /another tenant/],
      [{ ...good, serviceUrl: h.connector.url }, /not https/],
      [{ ...good, serviceUrl: 'https://attacker.trafficmanager.net/' }, /not a Bot Framework host/],
    ];
    for (const [over, why] of cases) {
      const res = await h.post({ ...h.activity().inChannel().mentioning('incident open type2').build(), ...over }, auth);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(why);
    }
    // a good activity still has to carry a valid Bot Framework token
    expect((await h.post({ ...h.activity().inChannel().mentioning('incident open type2').build(), ...good }, auth)).status).toBe(401);
    expect((await h.core.store.tableRows('conversation_refs')).length).toBe(0);
    expect((await h.core.store.tableRows('incidents')).length).toBe(0);
    expect(h.connector.calls).toEqual([]);
  });

  it('insecure mode answers the local fake connector but never a remote serviceUrl', async () => {
    h = await startTeamsHarness();
    const evil = await h.post({ ...h.activity().inChannel().mentioning('incident open type2').build(), serviceUrl: 'https://attacker.example/' });
    expect(evil.status).toBe(403);
    expect((await h.core.store.tableRows('incidents')).length).toBe(0);
    const ok = await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    expect(ok.status).toBe(200);
    expect((await h.core.store.tableRows('incidents')).length).toBe(1);
  });

  it('a stored reference with an untrusted serviceUrl is never called', async () => {
    const store = await SqliteStore.open(':memory:');
    try {
      const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
      const conversations = new TeamsConversations(adapter, '', store, new SystemClock(), (url) => serviceUrlProblem(url, secure));
      const reference = { serviceUrl: 'https://attacker.example/', channelId: 'msteams', conversation: { id: '19:x', isGroup: true, conversationType: 'channel', name: '' } };
      await expect(conversations.send({ reference }, [{ type: 'message', text: 'page' }])).rejects.toBeInstanceOf(DrbotError);
      await expect(conversations.update(reference, 'act-1', { type: 'message', text: 'card' })).rejects.toThrow(/not a Bot Framework host/);
    } finally {
      await store.close();
    }
  });
});

describe('the Teams endpoint bounds what it parses (issue 12, finding 15)', () => {
  it('refuses a deeply nested body before JSON.parse, and reads no body at all without a token in real mode', async () => {
    h = await startTeamsHarness({ env: { MicrosoftAppId: APP, MicrosoftAppPassword: 'pw' } });
    const nested = '['.repeat(200_000) + ']'.repeat(200_000);
    const post = (headers: Record<string, string>) => fetch(h!.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: nested });
    const withToken = await post({ authorization: 'Bearer not.a.jwt' });
    expect(withToken.status).toBe(400);
    expect(((await withToken.json()) as { error: string }).error).toBe('the activity is nested deeper than 64 levels');
    expect((await post({})).status).toBe(401);
    const tooBig = await fetch(h.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x' }, body: JSON.stringify({ text: 'x'.repeat(600_000) }) });
    expect(tooBig.status).toBe(413);
  });
});
