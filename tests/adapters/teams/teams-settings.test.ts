import { describe, expect, it } from '@jest/globals';
import { teamsConfigured, teamsSettings } from '../../../adapters/teams/teams-settings.js';
import { ConfigError } from '../../../src/errors/drbot-error.js';

const APP = '11111111-2222-3333-4444-555555555555';

describe('teamsSettings', () => {
  it('is off without an app id or the insecure switch', () => {
    expect(teamsSettings({})).toEqual({ mode: 'off' });
    expect(teamsConfigured({ DRBOT_TEAMS_INSECURE: '0' })).toBe(false);
  });

  it('authenticates when an app id is set, even with the insecure switch on', () => {
    expect(teamsSettings({ MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', DRBOT_TEAMS_INSECURE: '1' })).toMatchObject({ mode: 'secure', appId: APP, credentials: { MicrosoftAppType: 'MultiTenant' } });
  });

  it('serves without authentication only with DRBOT_TEAMS_INSECURE=1', () => {
    expect(teamsSettings({ DRBOT_TEAMS_INSECURE: '1' })).toEqual({ mode: 'insecure', appId: '', extraServiceHosts: [] });
    expect(teamsConfigured({ DRBOT_TEAMS_INSECURE: '1' })).toBe(true);
  });

  it('says what is missing from a half-configured app', () => {
    expect(() => teamsSettings({ MicrosoftAppId: APP })).toThrow(ConfigError);
    expect(() => teamsSettings({ MicrosoftAppId: APP })).toThrow(/MicrosoftAppPassword/);
    expect(() => teamsSettings({ MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', MicrosoftAppType: 'SingleTenant' })).toThrow(/MicrosoftAppTenantId/);
    expect(() => teamsSettings({ MicrosoftAppId: APP, MicrosoftAppPassword: 'pw', MicrosoftAppType: 'Sometimes' })).toThrow(/MultiTenant, SingleTenant or UserAssignedMSI/);
  });
});
