import { rememberingAnswers, rememberingUnchanged, scrubText } from '../logging/scrub-secrets.js';

/**
 * Characters no user or host text may carry into a message, a report or a terminal: every control
 * (Cc) and format (Cf) character except tab and newline — ESC (terminal escape sequences), NUL,
 * bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C),
 * zero-width spaces and joiners, the BOM, soft hyphens, interlinear annotations and the like —
 * plus line/paragraph separators and noncharacters. They are removed, not replaced: a bidi override
 * can make `rm -rf /` read as something else, and a zero-width space can split a mention or a
 * secret so a pattern no longer sees it.
 */
// eslint-disable-next-line no-control-regex -- these are exactly the characters being removed
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\uFFF9-\uFFFB\uFFFE\uFFFF]|(?!\u200D)\p{Cf}/gu;
/** A zero-width joiner survives only inside an emoji sequence (👩‍💻), where it is part of the picture. */
const STRAY_JOINER = /(?<!\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)\u200D|\u200D(?!\p{Extended_Pictographic})/gu;

/** Printable ASCII, tab and newline: nothing in it is removed (the Unicode-property passes below cost a card render more than the rest of its escaping). */
const PLAIN_ASCII = /^[\t\n\x20-\x7E]*$/;

const clean = rememberingUnchanged((text) => text.replace(/\r\n?/g, '\n').replace(INVISIBLE, '').replace(STRAY_JOINER, ''));

/** Removes control, format and bidi characters (tab and newline stay; a CR before a newline goes). */
export function cleanText(text: string): string {
  return PLAIN_ASCII.test(text) ? text : clean(text);
}

/**
 * The first step of every escaper in src/markup: invisible characters removed, then secrets scrubbed
 * (credential shapes and the secret values drbot was started with). Scrubbing comes after cleaning so
 * a zero-width space inside a token cannot hide it, and before escaping so the patterns see the text
 * as it was written.
 */
export const safeText: (text: string) => string = rememberingAnswers((text) => scrubText(cleanText(text)));

/** The marker every renderer puts where it had to cut text to a platform's limit. */
export const TRUNCATED = '…truncated';

/** Cuts `text` to at most `max` characters, ending with the visible truncation marker when it had to cut. */
export function truncate(text: string, max: number, marker = TRUNCATED): string {
  if (text.length <= max) return text;
  const keep = Math.max(0, max - marker.length - 1);
  let cut = text.slice(0, keep);
  // Never leave half a surrogate pair or a dangling emoji joiner behind.
  cut = cut.replace(/(?:\u200D|\uFE0F|[\uD800-\uDBFF])+$/, '');
  return `${cut} ${marker}`.slice(0, max);
}
