/**
 * The one escaper for text drbot sends to Microsoft Teams: Adaptive Card TextBlock and FactSet text
 * (Adaptive Cards' Markdown subset) and Markdown message text. Every function first removes invisible
 * and bidi characters and scrubs secrets (`safeText`), then backslash-escapes what Markdown would act
 * on: emphasis (`*`, `_`, `~`), links and images (`[`, `]`), inline HTML and autolinks (`<`, `>`),
 * code (`` ` ``), the `{{DATE(…)}}` / `{{TIME(…)}}` functions (`{`, `}`), and list, heading and
 * quote markers at the start of a line. So `[x](https://evil)` shows as typed instead of a link that
 * hides its address, and `**` stays two asterisks. (Parentheses and `!` need no escape once the
 * brackets are escaped; entities like `&#91;` only ever decode to literal characters.)
 */
import { safeText } from './clean-text.js';

/**
 * User or host text for a TextBlock, a Fact, or a Markdown message. `afterPrefix`: the text follows
 * something of drbot's on its first line (a list mark), so only its later lines start a line.
 */
export function teamsMarkdown(text: string, afterPrefix = false): string {
  const lineStart = afterPrefix ? '(?<=\\n)' : '^';
  return safeText(text)
    .replace(/[\\`*_~[\]{}<>]/g, (c) => `\\${c}`)
    .replace(new RegExp(`${lineStart}([ \\t]*)([-+>#=])`, 'gm'), '$1\\$2')
    .replace(new RegExp(`${lineStart}([ \\t]*\\d+)([.)])`, 'gm'), '$1\\$2');
}

/** Text Teams shows without Markdown (button titles, the message `summary`). */
export function teamsPlain(text: string): string {
  return safeText(text);
}
