import { describe, expect, it } from '@jest/globals';
import { commandLine } from '../../../adapters/teams/command-line.js';

/** An incident id as a person types it in Teams: text commandLine passes on, not an incident. */
const TYPED_ID = 'INC-20261124-001';

const bot = { id: '28:drbot-app', name: 'drbot' };
const mention = { type: 'mention', text: '<at>drbot</at>', mentioned: bot };

describe('commandLine', () => {
  it('strips the bot mention from a channel message', () => {
    expect(commandLine({ text: '<at>drbot</at> incident open type2', entities: [mention], recipient: bot })).toBe('incident open type2');
  });

  it('strips the HTML and entities Teams adds around a message', () => {
    expect(commandLine({ text: `<p><at>drbot</at>&nbsp;/incident note ${TYPED_ID} a &amp; b</p>`, entities: [mention], recipient: bot })).toBe(`/incident note ${TYPED_ID} a & b`);
  });

  it('takes a card submit’s command over any text', () => {
    expect(commandLine({ text: 'ignored', value: { command: `/incident ack ${TYPED_ID}` }, recipient: bot })).toBe(`/incident ack ${TYPED_ID}`);
  });

  it('has nothing to run for an empty mention, a malformed submit or no text', () => {
    expect(commandLine({ text: '<at>drbot</at>', entities: [mention], recipient: bot })).toBeUndefined();
    expect(commandLine({ value: { command: 42 }, recipient: bot })).toBeUndefined();
    expect(commandLine({ recipient: bot })).toBeUndefined();
  });

  it('does not change the activity it reads', () => {
    const activity = { text: '<at>drbot</at> help', entities: [mention], recipient: bot };
    commandLine(activity);
    expect(activity.text).toBe('<at>drbot</at> help');
  });
});
