import { z } from 'zod';
import { ConfigError } from '../../src/errors/drbot-error.js';

/** How the Teams endpoint runs: off, with Bot Framework authentication, or without it (local emulator / fake connector only). */
export type TeamsSettings =
  | { mode: 'off' }
  | { mode: 'insecure'; appId: '' }
  | { mode: 'secure'; appId: string; credentials: { MicrosoftAppId: string; MicrosoftAppPassword?: string; MicrosoftAppTenantId?: string; MicrosoftAppType: string } };

const Env = z.object({
  MicrosoftAppId: z.string().trim().optional(),
  MicrosoftAppPassword: z.string().optional(),
  MicrosoftAppTenantId: z.string().trim().optional(),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
  DRBOT_TEAMS_INSECURE: z.string().optional(),
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
    };
  }
  if (e.DRBOT_TEAMS_INSECURE === '1') return { mode: 'insecure', appId: '' };
  return { mode: 'off' };
}
