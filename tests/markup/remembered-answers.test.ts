import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { renderBlockKit } from '../../adapters/slack/render-block-kit.js';
import { addSecretValues, rememberingAnswers } from '../../src/logging/scrub-secrets.js';
import { safeText } from '../../src/markup/clean-text.js';
import { slackMrkdwn, slackPlain } from '../../src/markup/slack.js';
import { hostileText } from './hostile-text.js';

/** The same text as a different string object, as a card built again carries it. */
const copy = (text: string) => `${text} `.slice(0, -1);

describe('escapers that remember their answers (src/markup, the Slack renderer)', () => {
  it('answer a text from memory exactly as they answered it the first time', () => {
    const fresh = rememberingAnswers((text) => slackMrkdwn(copy(text)));
    fc.assert(
      fc.property(hostileText, (text) => {
        const first = [slackMrkdwn(text), slackPlain(text), safeText(text)];
        expect([slackMrkdwn(copy(text)), slackPlain(copy(text)), safeText(copy(text))]).toEqual(first);
        expect(fresh(text)).toBe(first[0]);
      }),
      { numRuns: 300 },
    );
  });

  it('forget what they remembered once a secret value is added, so a text seen before is masked now', () => {
    const secret = 'remembered-then-secret-Q7';
    const text = `the key is ${secret} today`;
    const detailView = { summary: 's', blocks: [{ type: 'list' as const, items: [{ text: 'step', detail: `$ login\n${text}` }] }] };
    expect(slackMrkdwn(text)).toContain(secret);
    expect(slackPlain(text)).toContain(secret);
    expect(JSON.stringify(renderBlockKit([detailView]))).toContain(secret);
    addSecretValues([secret]);
    expect(slackMrkdwn(text)).toBe('the key is [redacted] today');
    expect(slackPlain(text)).toBe('the key is [redacted] today');
    const rendered = JSON.stringify(renderBlockKit([detailView]));
    expect(rendered).not.toContain(secret);
    expect(rendered).toContain('_the key is [redacted] today_');
  });
});
