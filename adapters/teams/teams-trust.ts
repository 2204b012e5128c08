import type { TeamsSettings } from './teams-settings.js';

/**
 * Hosts of the Bot Connector service Teams sends in `serviceUrl` (public cloud, GCC, GCC High,
 * DoD), matched exactly: any Azure customer can register `<name>.trafficmanager.net`, so no suffix.
 */
export const TEAMS_SERVICE_HOSTS: readonly string[] = ['smba.trafficmanager.net', 'smba.infra.gcc.teams.microsoft.com', 'smba.infra.gov.teams.microsoft.us', 'smba.infra.dod.teams.microsoft.us'];

/** Microsoft's own Bot Framework domain: its subdomains are trusted too (`*.botframework.com`). */
export const BOT_FRAMEWORK_DOMAIN = 'botframework.com';

/** Channels an activity may come from: Teams, and in insecure (local) mode the Bot Framework Emulator. */
const CHANNELS = { secure: ['msteams'], insecure: ['msteams', 'emulator'] } as const;

/** True for 127.0.0.0/8, ::1, localhost (and `[::1]` as URLs write it). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

type ActiveSettings = Exclude<TeamsSettings, { mode: 'off' }>;

/**
 * Why drbot must not call `serviceUrl` with its Bot Framework token, or undefined when it may: an
 * https URL without credentials or another port, on a Bot Connector host (or one named in
 * DRBOT_TEAMS_SERVICE_HOSTS). In insecure mode a loopback URL is fine too (the emulator, a local fake connector).
 */
export function serviceUrlProblem(serviceUrl: unknown, settings: ActiveSettings): string | undefined {
  if (typeof serviceUrl !== 'string' || !serviceUrl) return 'the activity has no serviceUrl';
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return 'its serviceUrl is not a URL';
  }
  const host = url.hostname.toLowerCase();
  if (settings.mode === 'insecure' && isLoopbackHost(host) && (url.protocol === 'http:' || url.protocol === 'https:')) return undefined;
  if (url.protocol !== 'https:') return `its serviceUrl is not https (${url.protocol})`;
  if (url.username || url.password) return 'its serviceUrl carries credentials';
  if (url.port && url.port !== '443') return `its serviceUrl names port ${url.port}`;
  const trusted = TEAMS_SERVICE_HOSTS.includes(host) || host.endsWith(`.${BOT_FRAMEWORK_DOMAIN}`) || settings.extraServiceHosts.includes(host);
  return trusted ? undefined : `its serviceUrl host ${host} is not a Bot Framework host`;
}

/**
 * Why an incoming activity is refused before drbot acts on it or stores where it came from, or
 * undefined when it is fine: the channel must be Teams (the emulator only in insecure mode), the
 * tenant drbot's own when MicrosoftAppTenantId is set, and the serviceUrl one drbot may call.
 */
export function activityProblem(body: unknown, settings: ActiveSettings): { status: 400 | 403; reason: string } | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, reason: 'the body is not a Bot Framework activity' };
  const activity = body as { channelId?: unknown; serviceUrl?: unknown; conversation?: { tenantId?: unknown }; channelData?: { tenant?: { id?: unknown } } };
  const channels: readonly string[] = CHANNELS[settings.mode];
  if (typeof activity.channelId !== 'string' || !channels.includes(activity.channelId)) {
    return { status: 403, reason: `channel ${JSON.stringify(String(activity.channelId ?? '')).slice(0, 40)} is not ${channels.join(' or ')}` };
  }
  const tenantId = settings.mode === 'secure' ? settings.credentials.MicrosoftAppTenantId : undefined;
  if (tenantId) {
    const tenant = activity.channelData?.tenant?.id ?? activity.conversation?.tenantId;
    if (typeof tenant !== 'string' || tenant.toLowerCase() !== tenantId.toLowerCase()) return { status: 403, reason: 'the activity comes from another tenant than MicrosoftAppTenantId' };
  }
  const problem = serviceUrlProblem(activity.serviceUrl, settings);
  return problem ? { status: 403, reason: problem } : undefined;
}
