import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Field paths pino blanks out wherever they appear, so no token or password reaches a log line. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  '*.*.token',
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  'signingSecret',
  '*.signingSecret',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers["x-slack-signature"]',
  'connectionString',
  '*.connectionString',
  'databaseUrl',
  '*.databaseUrl',
  'appPassword',
  '*.appPassword',
];

/** Creates the process logger: JSON lines to `destination` (stderr by default) with secrets redacted. */
export function createLogger(options: { level?: string; destination?: DestinationStream; secrets?: string[] } = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'drbot' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...(secrets.length ? { hooks: { logMethod: scrubSecrets(secrets) } } : {}),
    },
    options.destination ?? pino.destination(2),
  );
}

/** Masks known secret values wherever they appear in a log call's string arguments. */
function scrubSecrets(secrets: string[]) {
  return function (this: Logger, args: Parameters<Logger['info']>, method: (...a: unknown[]) => void) {
    const clean = (args as unknown[]).map((a) => (typeof a === 'string' ? maskAll(a, secrets) : a));
    method.apply(this, clean);
  };
}

function maskAll(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

/** Secret values taken from the environment, for scrubbing free text. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const names = Object.keys(env).filter((k) => /TOKEN|SECRET|PASSWORD|DATABASE_URL|SMTP_URL|CONNECTION_STRING/i.test(k));
  return names.map((k) => env[k] ?? '').filter(Boolean);
}
