import { z } from 'zod';
import { ConfigError } from '../../src/errors/drbot-error.js';

/** How the Teams endpoint runs: off, with Bot Framework authentication, or without it (local emulator / fake connector only). */
export type TeamsSettings =
  | { mode: 'off' }
  | { mode: 'insecure'; appId: ''; extraServiceHosts: string[] }
  | {
      mode: 'secure';
      appId: string;
      credentials: { MicrosoftAppId: string; MicrosoftAppPassword?: string; MicrosoftAppTenantId?: string; MicrosoftAppType: string };
      /** Bot Connector hosts drbot may call besides the public, GCC, GCC High and DoD ones (DRBOT_TEAMS_SERVICE_HOSTS, e.g. a sovereign cloud). */
      extraServiceHosts: string[];
    };

const Env = z.object({
  MicrosoftAppId: z.string().trim().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppTenantId: z.string().trim().optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  DRBOT_TEAMS_INSECURE: z.string().optional(),
  DRBOT_TEAMS_SERVICE_HOSTS: z.string().optional(),
});

/** True when the environment asks for the Teams endpoint (an app id, or the insecure local mode). */
export function teamsConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.MicrosoftAppId?.trim()) || env.DRBOT_TEAMS_INSECURE === '1';
}

/** Reads the Teams settings from the environment; a half-configured app id is a ConfigError that says what to set. */
export function teamsSettings(env: NodeJS.ProcessEnv): TeamsSettings {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new ConfigError(`MicrosoftAppType must be MultiTenant, SingleTenant or UserAssignedMSI, got "${env.MicrosoftAppType}"`);
  const e = parsed.data;
  const extraServiceHosts = (e.DRBOT_TEAMS_SERVICE_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const badHost = extraServiceHosts.find((h) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(h));
  if (badHost) throw new ConfigError(`DRBOT_TEAMS_SERVICE_HOSTS must list host names separated by commas, got "${badHost}"`, 'list exact host names such as smba.example.cloud (no scheme, port or wildcard)');
  if (e.MicrosoftAppId) {
    const type = e.MicrosoftAppType ?? 'MultiTenant';
    if (type !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) throw new ConfigError('MicrosoftAppId is set but MicrosoftAppPassword is not', 'set MicrosoftAppPassword to the bot\'s client secret');
    if (type !== 'MultiTenant' && !e.MicrosoftAppTenantId) throw new ConfigError(`MicrosoftAppType ${type} needs MicrosoftAppTenantId`, 'set MicrosoftAppTenantId to your Entra tenant id');
    return {
      mode: 'secure',
      appId: e.MicrosoftAppId,
      credentials: {
        MicrosoftAppId: e.MicrosoftAppId,
        MicrosoftAppPassword: e.MicrosoftAppPassword,
        MicrosoftAppTenantId: e.MicrosoftAppTenantId,
        MicrosoftAppType: type,
      },
      extraServiceHosts,
    };
  }
  if (e.DRBOT_TEAMS_INSECURE === '1') return { mode: 'insecure', appId: '', extraServiceHosts };
  return { mode: 'off' };
}
