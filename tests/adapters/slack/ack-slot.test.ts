import { describe, expect, it } from '@jest/globals';
import { AckSlot, type AckBody } from '../../../adapters/slack/ack-slot.js';

const answer = { response_type: 'ephemeral' as const, text: 'INC-1 is open' };

describe('a slash command ack slot', () => {
  it('acks with the first answer offered, once; later offers and closes go elsewhere', () => {
    const sent: AckBody[] = [];
    const slot = new AckSlot((body) => void sent.push(body), 60_000);
    expect(slot.offer(answer)).toBe(true);
    expect(slot.offer({ ...answer, text: 'second' })).toBe(false);
    slot.close();
    expect(sent).toEqual([answer]);
    expect(slot.open).toBe(false);
  });

  it('acks empty when closed before any answer, and then refuses answers (they go to the response_url)', () => {
    const sent: AckBody[] = [];
    const slot = new AckSlot((body) => void sent.push(body), 60_000);
    slot.close();
    expect(slot.offer(answer)).toBe(false);
    expect(sent).toEqual([undefined]);
  });

  it('acks empty by itself when the budget runs out', async () => {
    const sent = new Promise<AckBody>((resolve) => new AckSlot(resolve, 10));
    await expect(sent).resolves.toBeUndefined();
  });

  it('with a budget of 0 acks empty at once', () => {
    const sent: AckBody[] = [];
    const slot = new AckSlot((body) => void sent.push(body), 0);
    expect(sent).toEqual([undefined]);
    expect(slot.offer(answer)).toBe(false);
  });

  it('does not take an answer it could not send (the request is gone), so the caller posts it to the response_url', () => {
    const slot = new AckSlot(() => false, 60_000);
    expect(slot.offer(answer)).toBe(false);
    expect(slot.open).toBe(false);
  });
});
