/** Longest command line accepted; longer input is refused before any parsing. */
export const MAX_COMMAND_LENGTH = 4000;

/** What a line of input becomes before the grammar sees it. */
export type Tokens = { ok: true; verb: string; args: string[] } | { ok: false; reason: 'empty' | 'too-long' };

/**
 * Normalises a command line from any platform: strips control characters and a leading
 * `/incident` or `incident` (with or without the slash), folds white space, splits into words.
 */
export function tokenize(line: string): Tokens {
  if (line.length > MAX_COMMAND_LENGTH) return { ok: false, reason: 'too-long' };
  const clean = line
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters from pasted input are folded to spaces
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200d\ufeff]/g, ' ')
    .trim();
  const words = clean.split(/\s+/).filter(Boolean);
  if (words[0] && /^\/?(incident|inc|인시던트)$/i.test(words[0])) words.shift();
  const verb = words.shift();
  if (!verb) return { ok: false, reason: 'empty' };
  return { ok: true, verb: verb.toLowerCase(), args: words };
}
