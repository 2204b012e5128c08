import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { DrbotConfigFile } from '../../src/config/config-schema.js';
import { packageRoot } from '../../src/config/package-root.js';
import { ConfigError } from '../../src/errors/drbot-error.js';
import { createNotifyChannels } from '../../src/notify/create-notify-channels.js';
import { ChatPager } from '../../src/notify/pager.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';

const pack = loadRunbookPack(join(packageRoot(), 'runbooks/routing-ml.yaml'));

function configWith(env: NodeJS.ProcessEnv, file: Record<string, unknown> = {}) {
  const parsed = DrbotConfigFile.parse(file);
  return { notify: parsed.notify, notices: parsed.notices, env };
}

describe('createNotifyChannels', () => {
  it('pages by chat only when nothing else is configured', () => {
    const channels = createNotifyChannels(configWith({}), new ChatPager(), pack);
    expect(channels.pageChannels).toEqual(['chat']);
    expect(channels.notices.channels()).toEqual([]);
  });

  it('adds email pages and the mailing-list notice channel with SMTP_URL, and the webhook with its URL and secret', () => {
    const channels = createNotifyChannels(
      configWith({ SMTP_URL: 'smtp://user:pw@mail.example.com:587', DRBOT_WEBHOOK_URL: 'https://sms.example.com/hook', DRBOT_WEBHOOK_SECRET: 's3cret-value' }, { notices: { emails: ['users@example.com'] } }),
      new ChatPager(),
      pack,
    );
    expect(channels.pageChannels).toEqual(['chat', 'email', 'webhook']);
    expect(channels.pager.configured()).toEqual(['chat', 'email', 'webhook']);
    expect(channels.notices.channels()).toEqual(['email']);
  });

  it('stops the start with a clear message for a webhook without its secret, a bad URL, or a bad SMTP_URL', () => {
    const cases: [NodeJS.ProcessEnv, Record<string, unknown>, RegExp][] = [
      [{ DRBOT_WEBHOOK_URL: 'https://sms.example.com/hook' }, {}, /DRBOT_WEBHOOK_SECRET is not/],
      [{}, { notify: { webhook: { url: 'https://pd.example.com', format: 'pagerduty-v2' } } }, /DRBOT_PAGERDUTY_ROUTING_KEY/],
      [{ DRBOT_WEBHOOK_URL: 'not a url', DRBOT_WEBHOOK_SECRET: 'x' }, {}, /not a URL/],
      [{ DRBOT_WEBHOOK_URL: 'ftp://files.example.com/', DRBOT_WEBHOOK_SECRET: 'x' }, {}, /http or https/],
      [{ SMTP_URL: 'mail.example.com:25' }, {}, /SMTP_URL must look like/],
    ];
    for (const [env, file, message] of cases) {
      expect(() => createNotifyChannels(configWith(env, file), new ChatPager(), pack)).toThrow(ConfigError);
      expect(() => createNotifyChannels(configWith(env, file), new ChatPager(), pack)).toThrow(message);
    }
  });
});
