import fc from 'fast-check';

/** Pieces of text that mean something to Slack, Teams, Markdown, HTML or a terminal. */
export const MARKUP_PIECES = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123ABC>',
  '<#C42|general>',
  '<!subteam^S1|oncall>',
  '<https://evil.example/login|https://bank.example>',
  '<mailto:a@b.example|mail>',
  '@channel',
  '@here',
  '[click](https://evil.example)',
  '![img](https://evil.example/x.png)',
  '<https://evil.example>',
  '**',
  '*bold*',
  '_it_',
  '~strike~',
  '`',
  '```',
  '````',
  '&',
  '&amp;',
  '&lt;!channel&gt;',
  '&#91;x&#93;(https://e)',
  '<script>alert(1)</script>',
  '<!-- drbot:keep prevention -->',
  '{{DATE(2017-02-14T06:08:39Z, SHORT)}}',
  '| a | b |',
  '\\',
  '# ',
  '- ',
  '> ',
  '1. ',
  '\n',
  '\n\n',
  '\t',
  ' ',
  'x',
  '한',
  '👩‍💻',
  'https://ok.example/path?q=1&r=2',
  // Bidi embeddings, overrides, isolates and marks; zero-width characters; the BOM; terminal escapes; NUL.
  '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c',
  '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad',
  '\u001b[31m', '\u001b]0;title\u0007', '\u0000', '\u0008', '\u007f', '\u0085', '\r', '\u2028',
];

/** Random user or host text: markup pieces mixed with arbitrary code points. */
export const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...MARKUP_PIECES), fc.string({ maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

/** Control and format characters that must never reach a platform (tab and newline excepted; a joiner inside an emoji is part of the picture). */
export function invisibleCharacters(text: string): string[] {
  const withoutEmojiJoiners = text.replace(/(?<=\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)\u200D(?=\p{Extended_Pictographic})/gu, '');
  // eslint-disable-next-line no-control-regex -- these are what the check looks for
  return [...withoutEmojiJoiners.matchAll(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029]|\p{Cf}/gu)].map((m) => m[0]);
}
