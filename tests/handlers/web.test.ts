import { afterEach, describe, expect, it } from '@jest/globals';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { WebLinkSigner } from '../../src/web/web-link-signer.js';

const SECRET = 'handler-test-secret-0123456789abcdef012345';
let core: TestRuntime | undefined;
afterEach(async () => {
  await core?.close();
  core = undefined;
});

describe('/incident web', () => {
  it('replies privately with a signed 12-hour sign-in link naming the asker', async () => {
    core = await buildTestRuntime({ web: { publicUrl: 'https://drbot.example.com', secret: SECRET } });
    const reply = await core.router.dispatch('/incident web', core.as('Lee Backend'));
    expect(reply).toMatchObject({ private: true, personal: true });
    const text = await replyText(reply);
    const token = /https:\/\/drbot\.example\.com\/web\/login\?t=(\S+)/.exec(text)![1]!;
    expect(new WebLinkSigner(SECRET).checkLink(token)).toMatchObject({ ok: true, user: 'Lee Backend' });
    expect(text).toContain('valid 12 hours');
  });

  it('refuses people who are not on the contact list, and says what to set when links are off', async () => {
    core = await buildTestRuntime({ web: { secret: SECRET } });
    const stranger = await core.router.dispatch('/incident web', { platform: 'slack', userId: 'U0STRANGER', name: 'Mallory', roles: [] });
    expect(stranger.refused).toBe(true);
    expect(await replyText(stranger)).not.toContain('/web/login');
    await core.close();
    core = await buildTestRuntime();
    const off = await core.router.dispatch('/incident web', core.as('Kim DevOps'));
    expect(off).toMatchObject({ refused: true, private: true });
    expect(await replyText(off)).toContain('DRBOT_WEB_SECRET');
  });
});
