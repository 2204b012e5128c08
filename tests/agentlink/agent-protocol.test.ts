import { describe, expect, it } from '@jest/globals';
import { MAX_MESSAGE_CHARS, MAX_MESSAGE_DEPTH, MalformedMessage, jsonDepthExceeds, parseAgentMessage, parseHubMessage } from '../../src/agentlink/agent-protocol.js';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const resultWithData = (data: string) => `{"type":"result","requestId":"req-1","result":{"status":"ok","summary":"","output":"","data":${data}}}`;

describe('agent protocol parsing', () => {
  it('counts nesting outside strings only', () => {
    expect(jsonDepthExceeds(nested(MAX_MESSAGE_DEPTH), MAX_MESSAGE_DEPTH)).toBe(false);
    expect(jsonDepthExceeds(nested(MAX_MESSAGE_DEPTH + 1), MAX_MESSAGE_DEPTH)).toBe(true);
    expect(jsonDepthExceeds(JSON.stringify({ s: '[[[[[[[[[[ \\" {{{{{{{{' }), 2)).toBe(false);
  });

  it('accepts a result nested up to the limit and refuses one nested deeper, in both directions', () => {
    // the message itself and result add two levels
    expect(parseAgentMessage(resultWithData(nested(MAX_MESSAGE_DEPTH - 2))).type).toBe('result');
    expect(() => parseAgentMessage(resultWithData(nested(MAX_MESSAGE_DEPTH - 1)))).toThrow(MalformedMessage);
    // a megabyte of brackets: refused by the scan, before JSON.parse
    const deep = resultWithData(nested(MAX_MESSAGE_CHARS / 2 - 100));
    expect(() => parseAgentMessage(deep)).toThrow(/nested deeper than 32 levels/);
    const deepRun = `{"type":"run","request":{"requestId":"r","host":"h","action":"log_tail","timeoutMs":1000,"params":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}}`;
    expect(() => parseHubMessage(deepRun)).toThrow(/nested deeper/);
  });

  it('refuses a message over the size limit with close code 1009', () => {
    const big = resultWithData(JSON.stringify('x'.repeat(MAX_MESSAGE_CHARS)));
    try {
      parseAgentMessage(big);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(MalformedMessage);
      expect((err as MalformedMessage).closeCode).toBe(1009);
      expect((err as Error).message).toContain(`limit ${MAX_MESSAGE_CHARS}`);
    }
  });

  it('refuses a summary or output longer than the caps', () => {
    const msg = (summary: string, output: string) => JSON.stringify({ type: 'result', requestId: 'r', result: { status: 'ok', summary, output } });
    expect(() => parseAgentMessage(msg('s'.repeat(4097), ''))).toThrow(/summary/);
    expect(() => parseAgentMessage(msg('', 'o'.repeat(64 * 1024 + 1)))).toThrow(/output/);
    expect(parseAgentMessage(msg('s'.repeat(4096), 'o'.repeat(64 * 1024))).type).toBe('result');
  });
});
