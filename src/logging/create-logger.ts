import { pino, type Logger, type DestinationStream } from 'pino';
import { scrubSecrets } from './scrub-secrets.js';

export type { Logger } from 'pino';

const SECRET_FIELDS = [
  'token',
  'botToken',
  'appToken',
  'accessToken',
  'refreshToken',
  'password',
  'appPassword',
  'secret',
  'signingSecret',
  'clientSecret',
  'apiKey',
  'routingKey',
  'authorization',
  'cookie',
  'connectionString',
  'databaseUrl',
  'smtpUrl',
];

/** Field paths pino blanks out wherever they appear, so no token or password reaches a log line. */
export const REDACT_PATHS = [
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]),
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-slack-signature"]',
  '*.headers["set-cookie"]',
];

/**
 * Creates the process logger: JSON lines to `destination` (stderr by default). Secret fields are
 * redacted by name, and every finished line is scrubbed of the given secret values and of anything
 * shaped like a credential (URL passwords, Slack tokens, bearer tokens) — also inside error messages.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream; secrets?: string[] } = {}): Logger {
  const out = options.destination ?? pino.destination(2);
  const scrub = scrubSecrets(options.secrets ?? []);
  const destination: DestinationStream = { write: (line: string) => out.write(scrub(line)) };
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'drbot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

/** Secret values taken from the environment, for scrubbing free text; URL passwords are listed on their own too. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const names = Object.keys(env).filter((k) => /TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|DATABASE_URL|SMTP_URL|WEBHOOK_URL|HEARTBEAT_URL|CONNECTION_STRING/i.test(k));
  const values = names.map((k) => env[k] ?? '').filter(Boolean);
  const passwords = values.flatMap((v) => {
    try {
      const password = new URL(v).password;
      return password ? [password, safeDecode(password)] : [];
    } catch {
      return [];
    }
  });
  return [...new Set([...values, ...passwords])];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
