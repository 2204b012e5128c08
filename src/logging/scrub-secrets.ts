/** A word that the secret-name pattern below needs in every name it takes (passw(or)d, passwd, credential(s) included). */
const SECRET_NAME_WORD = /passw|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth/i;

type Replacement = string | ((match: string, ...groups: string[]) => string);

/**
 * Credentials recognisable by their shape, whatever variable they came from. A shape may carry a
 * cheap test that every match needs (a fixed piece of text it must contain): text without it is
 * not run through the pattern. Every string drbot posts is scrubbed, and most contain none of them.
 */
const SHAPES: [RegExp, Replacement, ((text: string) => boolean)?][] = [
  // PEM private keys, whole block (also one cut off before its END line)
  [/-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g, '-----BEGIN $1----- [redacted] -----END $1-----', (t) => t.includes('-----BEGIN ')],
  // scheme://user:password@host → scheme://user:[redacted]@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@"'\\]*:)[^\s@"'\\]+@/gi, '$1[redacted]@', (t) => t.includes('://')],
  // Slack tokens: bot, user, app, config, refresh
  [/\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}/g, '[redacted]', (t) => t.includes('xox') || t.includes('xapp')],
  // AWS access key ids
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, '[redacted]'],
  // GitHub, GitLab, npm, Stripe-style and OpenAI-style tokens
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{30,}|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}|sk-[A-Za-z0-9_-]{20,})/g, '[redacted]'],
  // JSON web tokens
  [/\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, '[redacted]', (t) => t.includes('eyJ')],
  // Authorization: Bearer …
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/-]{8,}=*/g, '$1 [redacted]'],
  // NAME=value, NAME: value, "name": "value" where the name says it is a secret
  // (password=, PGPASSWORD=, DB_PASSWORD:, aws_secret_access_key =, api-key:, client_secret, …);
  // a quoted value keeps its quotes, so JSON stays JSON; objects and arrays are left to the patterns above.
  [
    /(["']?[A-Za-z0-9_.-]*(?:passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)["']?[ \t]*[=:][ \t]*)(?!["']?\[redacted\])(?:"[^"\n]*"|'[^'\n]*'|[^\s&;,"'\\{}[\]][^\s&;,"'\\]*)/gi,
    (match: string, name: string) => {
      const value = match.slice(name.length);
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${name}${quote}[redacted]${quote}`;
    },
    // every name the pattern takes contains one of these words, and a `=` or `:` follows it
    (t) => (t.includes('=') || t.includes(':')) && SECRET_NAME_WORD.test(t),
  ],
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
    for (const [pattern, replacement, mayMatch] of SHAPES) if (!mayMatch || mayMatch(out)) out = out.replace(pattern, replacement as (m: string) => string);
    return out;
  };
}

/** How many texts a remembering text function keeps (found clean, or with their answers), and the longest it keeps. */
const CLEAN_ENTRIES = 2_000;
const CLEAN_MAX_LENGTH = 512;

/**
 * A pure text function that remembers short texts it left unchanged: a card is rendered again for
 * every `status` and every click, and its runbook texts are the same strings each time. Only texts
 * the function returned as they were are kept, so the memory holds nothing it would have changed
 * (for the scrubber: nothing it would have masked). The scrubber and `cleanText` use it.
 */
export function rememberingUnchanged(fn: (text: string) => string): (text: string) => string {
  const clean = new Set<string>();
  return (text: string) => {
    if (clean.has(text)) return text;
    const out = fn(text);
    if (out === text && text.length <= CLEAN_MAX_LENGTH) {
      if (clean.size >= CLEAN_ENTRIES) clean.delete(clean.values().next().value!);
      clean.add(text);
    }
    return out;
  };
}

const known = new Set<string>();
let processScrub = rememberingUnchanged(scrubSecrets([]));
/** Counts the changes of the process-wide scrubber: answers remembered under an older one may hold a secret added since. */
let scrubberVersion = 0;

/**
 * A text function that depends on nothing but its text and the process-wide scrubber (every escaper
 * in src/markup), remembering its answers for short texts: a card's pieces are escaped again on every
 * `status` and every click, most of them the same strings each time, and one lookup costs less than
 * cleaning, scrubbing and escaping them again. Everything remembered is forgotten when secret values
 * are added, so no answer from before can carry one.
 */
export function rememberingAnswers(fn: (text: string) => string): (text: string) => string {
  const answers = new Map<string, string>();
  let version = scrubberVersion;
  return (text: string) => {
    if (version !== scrubberVersion) {
      answers.clear();
      version = scrubberVersion;
    }
    const kept = answers.get(text);
    if (kept !== undefined) return kept;
    const out = fn(text);
    if (text.length <= CLEAN_MAX_LENGTH) {
      if (answers.size >= CLEAN_ENTRIES) answers.delete(answers.keys().next().value!);
      answers.set(text, out);
    }
    return out;
  };
}

/** Changes whenever secret values are added: what was escaped (and scrubbed) under an older one may carry a secret it did not know. */
export function scrubberGeneration(): number {
  return scrubberVersion;
}

/**
 * Adds secret values (drbot's tokens and passwords from its environment) to the process-wide
 * scrubber that every escaper in src/markup runs first, so nothing drbot posts or writes carries
 * them. Called once at start; values only ever accumulate.
 */
export function addSecretValues(values: readonly string[]): void {
  const before = known.size;
  for (const v of values) if (v) known.add(v);
  if (known.size === before) return;
  processScrub = rememberingUnchanged(scrubSecrets([...known]));
  scrubberVersion++;
}

/** Masks credential-shaped text and the secret values added with `addSecretValues`. */
export function scrubText(text: string): string {
  return processScrub(text);
}
