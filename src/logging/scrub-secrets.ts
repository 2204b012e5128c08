/** Credentials recognisable by their shape, whatever variable they came from. */
const SHAPES: [RegExp, string][] = [
  // scheme://user:password@host → scheme://user:[redacted]@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*:)[^\s@"'\\]+@/gi, '$1[redacted]@'],
  // Slack tokens: bot, user, app, config, refresh
  [/\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}/g, '[redacted]'],
  // Authorization: Bearer …
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{8,}=*/g, '$1 [redacted]'],
  // password=… in conninfo strings and query strings
  [/\b(password|passwd|pwd)=[^\s&;"'\\]+/gi, '$1=[redacted]'],
];

/** Secrets shorter than this are not scrubbed by value (too likely to match ordinary text). */
const MIN_SECRET_LENGTH = 6;

/** Returns a function that masks the given secret values (raw and as they appear inside JSON strings) and credential-shaped text. */
export function scrubSecrets(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...forms].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = text;
    for (const s of ordered) if (out.includes(s)) out = out.split(s).join('[redacted]');
    for (const [pattern, replacement] of SHAPES) out = out.replace(pattern, replacement);
    return out;
  };
}
