import { safeText } from '../markup/clean-text.js';

/** Longest command line accepted; longer input is refused before any parsing. */
export const MAX_COMMAND_LENGTH = 4000;

/** What a line of input becomes before the grammar sees it. */
export type Tokens = { ok: true; verb: string; args: string[] } | { ok: false; reason: 'empty' | 'too-long' };

/**
 * Normalises a command line from any platform: removes control and format characters (bidi
 * overrides and isolates, zero-width spaces, ESC, NUL — see `cleanText`) and a leading `/incident`
 * or `incident` (with or without the slash), scrubs secrets (a password pasted into a note is
 * stored as `password=[redacted]`), folds white space, splits into words. So no argument (a note,
 * a name, a cause) can carry an invisible character or a credential into the store or a message.
 */
export function tokenize(line: string): Tokens {
  if (line.length > MAX_COMMAND_LENGTH) return { ok: false, reason: 'too-long' };
  const clean = safeText(line.normalize('NFC')).trim();
  const words = clean.split(/\s+/).filter(Boolean);
  if (words[0] && /^\/?(incident|inc|인시던트)$/i.test(words[0])) words.shift();
  const verb = words.shift();
  if (!verb) return { ok: false, reason: 'empty' };
  return { ok: true, verb: verb.toLowerCase(), args: words };
}
