import { describe, expect, it } from '@jest/globals';
import { MAX_COMMAND_LENGTH, tokenize } from '../../src/router/tokenize.js';

describe('tokenize', () => {
  it.each([
    ['/incident open type2', 'open', ['type2']],
    ['incident open type2', 'open', ['type2']],
    ['open type2', 'open', ['type2']],
    ['/INCIDENT   Status\tINC-20261126-001', 'status', ['INC-20261126-001']],
    ['/인시던트 list', 'list', []],
    ['  approve\u200b INC-1 step ', 'approve', ['INC-1', 'step']],
  ])('%j → %s %j', (line, verb, args) => {
    expect(tokenize(line)).toEqual({ ok: true, verb, args });
  });

  it('refuses empty input and a bare prefix', () => {
    expect(tokenize('')).toEqual({ ok: false, reason: 'empty' });
    expect(tokenize('   \u0000 ')).toEqual({ ok: false, reason: 'empty' });
    expect(tokenize('/incident')).toEqual({ ok: false, reason: 'empty' });
  });

  it('refuses input longer than the limit before splitting it', () => {
    expect(tokenize('a'.repeat(MAX_COMMAND_LENGTH + 1))).toEqual({ ok: false, reason: 'too-long' });
    expect(tokenize('list ' + ' '.repeat(MAX_COMMAND_LENGTH - 5)).ok).toBe(true);
  });
});
