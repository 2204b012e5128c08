import { describe, expect, it } from '@jest/globals';
import { AgentAuthRejected, failoverTransport, type AgentTransport } from '../../src/agent/agent-client.js';
import type { LinkSocket } from '../../src/agentlink/agent-protocol.js';
import { memoryLinkPair } from '../../src/agentlink/memory-link.js';

/** A transport to one "replica" that is up or down as the test says, counting attempts. */
function replica(name: string, state: { up: boolean; attempts: number; rejects?: boolean }): AgentTransport & { name: string } {
  const t = (async () => {
    state.attempts++;
    if (state.rejects) throw new AgentAuthRejected(401);
    if (!state.up) throw new Error(`connect ECONNREFUSED ${name}`);
    const [, agentEnd] = memoryLinkPair();
    return Object.assign(agentEnd, { replica: name }) as LinkSocket;
  }) as AgentTransport & { name: string };
  return t;
}

const nameOf = (s: LinkSocket) => (s as LinkSocket & { replica: string }).replica;

describe('failoverTransport (drbot.urls)', () => {
  it('connects to the first replica that answers, stays with it, and moves on when it dies', async () => {
    const a = { up: true, attempts: 0 };
    const b = { up: true, attempts: 0 };
    const c = { up: true, attempts: 0 };
    const connected: number[] = [];
    const t = failoverTransport([replica('a', a), replica('b', b), replica('c', c)], (i) => connected.push(i));
    expect(nameOf(await t())).toBe('a');
    a.up = false;
    expect(nameOf(await t())).toBe('b');
    // sticky: the next reconnect starts with b, not a
    expect(nameOf(await t())).toBe('b');
    expect(a.attempts).toBe(2);
    b.up = false;
    expect(nameOf(await t())).toBe('c');
    expect(connected).toEqual([0, 1, 1, 2]);
  });

  it('fails the attempt when no replica answers (the client backs off and retries), and stops at refused credentials', async () => {
    const a = { up: false, attempts: 0 };
    const b = { up: false, attempts: 0 };
    await expect(failoverTransport([replica('a', a), replica('b', b)])()).rejects.toThrow(/ECONNREFUSED b/);
    const r = { up: true, attempts: 0, rejects: true };
    const later = { up: true, attempts: 0 };
    await expect(failoverTransport([replica('r', r), replica('later', later)])()).rejects.toBeInstanceOf(AgentAuthRejected);
    expect(later.attempts).toBe(0);
  });
});
