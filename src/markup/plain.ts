/**
 * The one escaper for plain text drbot prints (the console, page subjects and bodies sent by email
 * or webhook): invisible, control and bidi characters removed — ESC included, so host output cannot
 * move the cursor, recolour or retitle a terminal — and secrets scrubbed.
 */
import { safeText } from './clean-text.js';

/** User or host text for a terminal or a plain-text message. */
export function plainText(text: string): string {
  return safeText(text);
}
