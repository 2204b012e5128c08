/**
 * The one escaper for text drbot writes into Markdown files (post-incident reports, shown on GitHub,
 * in editors and in Teams). Every function first removes invisible and bidi characters and scrubs
 * secrets (`safeText`). Inline text is backslash-escaped (CommonMark: any ASCII punctuation may be),
 * so a cause, note or name cannot add a link or an image (`[`, `]`), HTML or an autolink (`<`, `>`;
 * a `<!-- drbot:keep -->` marker included), emphasis or code (`*`, `_`, `~`, `` ` ``), a table cell
 * (`|`) or a block at the line's start; code goes into a fence longer than any run of backticks inside it.
 */
import { safeText } from './clean-text.js';

/** User or host text inside a line of Markdown. Line breaks fold to spaces (one item, one line). */
export function markdownText(text: string): string {
  return safeText(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/[\\`*_~[\]<>|]/g, (c) => `\\${c}`)
    .replace(/^([-+>=#])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Host output as a fenced code block (`info` is the fence's language, e.g. `text`). */
export function markdownCode(text: string, info = 'text'): string[] {
  const body = safeText(text);
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...body.split('\n'), fence];
}
