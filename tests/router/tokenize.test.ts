import { describe, expect, it } from '@jest/globals';
import { MAX_COMMAND_LENGTH, tokenize } from '../../src/router/tokenize.js';

/** Incident ids as people type them, long and short: the tokenizer takes either as a word and checks neither. */
const TYPED_ID = 'INC-20261126-001';
const TYPED_SHORT_ID = 'INC-1';

describe('tokenize', () => {
  it.each([
    ['/incident open type2', 'open', ['type2']],
    ['incident open type2', 'open', ['type2']],
    ['open type2', 'open', ['type2']],
    [`/INCIDENT   Status\t${TYPED_ID}`, 'status', [TYPED_ID]],
    ['/인시던트 list', 'list', []],
    [`  approve\u200b ${TYPED_SHORT_ID} step `, 'approve', [TYPED_SHORT_ID, 'step']],
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
