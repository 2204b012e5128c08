import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../errors/drbot-error.js';
import { DrbotConfigFile } from './config-schema.js';
import { packageRoot } from './package-root.js';

/** The resolved configuration: the file's settings, environment overrides, absolute paths and secrets. */
export interface DrbotConfig extends Omit<DrbotConfigFile, 'runbook' | 'contacts' | 'dataDir' | 'reportsDir' | 'tls' | 'procedureDocument'> {
  /** Certificate and key files (absolute paths) when drbot serves HTTPS. */
  tls?: { cert: string; key: string };
  configPath: string;
  runbookPath: string;
  contactsPath: string;
  dataDir: string;
  reportsDir: string;
  /** The committed procedure document (absolute path) and the language it is rendered in; unset: the monthly check does not compare it. */
  procedureDocument?: { path: string; lang: 'ko' | 'en' };
  databaseUrl?: string;
  /** PostgreSQL schema for drbot's tables (`DATABASE_SCHEMA`); the connection's default schema when unset. */
  databaseSchema?: string;
  /** This process's name among several replicas on PostgreSQL (`DRBOT_REPLICA_ID`); generated when unset. */
  replicaId?: string;
  timeScale: number;
  clockEpoch?: number;
  embeddedAgentConfigPath: string;
  env: NodeJS.ProcessEnv;
}

/** Formats zod issues as `field.path: message` lines. */
export function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('\n');
}

/** Loads and validates `config/drbot.yaml` (or `DRBOT_CONFIG`), then applies environment overrides. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DrbotConfig {
  const root = packageRoot();
  const configPath = resolve(env.DRBOT_CONFIG ?? resolve(root, 'config/drbot.yaml'));
  let raw: unknown = {};
  if (existsSync(configPath)) {
    try {
      raw = parseYaml(readFileSync(configPath, 'utf8')) ?? {};
    } catch (err) {
      throw new ConfigError(`${configPath}: not valid YAML: ${(err as Error).message}`);
    }
  } else if (env.DRBOT_CONFIG) {
    throw new ConfigError(`DRBOT_CONFIG points to ${configPath}, which does not exist`, 'fix DRBOT_CONFIG or create the file');
  }
  const parsed = DrbotConfigFile.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(`${configPath} is invalid:\n${formatIssues(parsed.error)}`, 'fix the named field and start again');
  }
  const file = parsed.data;
  const base = existsSync(configPath) ? resolve(dirname(configPath), '..') : root;
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const cwdAbs = (p: string) => resolve(p);

  const lang = env.DRBOT_LANG ?? file.lang;
  if (lang !== 'ko' && lang !== 'en') throw new ConfigError(`DRBOT_LANG must be ko or en, got "${lang}"`);
  const port = env.PORT !== undefined ? Number(env.PORT) : file.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT must be a TCP port number, got "${env.PORT}"`);
  const replicaId = env.DRBOT_REPLICA_ID || undefined;
  if (replicaId !== undefined && !/^[A-Za-z0-9_.-]{1,64}$/.test(replicaId)) {
    throw new ConfigError(`DRBOT_REPLICA_ID must be 1-64 letters, digits, '.', '_' or '-', got "${replicaId.slice(0, 80)}"`);
  }
  const timeScale = env.DRBOT_TIME_SCALE !== undefined ? Number(env.DRBOT_TIME_SCALE) : 1;
  if (!(timeScale > 0)) throw new ConfigError(`DRBOT_TIME_SCALE must be a positive number, got "${env.DRBOT_TIME_SCALE}"`);
  let clockEpoch: number | undefined;
  if (env.DRBOT_CLOCK_EPOCH) {
    clockEpoch = /^\d+$/.test(env.DRBOT_CLOCK_EPOCH) ? Number(env.DRBOT_CLOCK_EPOCH) : Date.parse(env.DRBOT_CLOCK_EPOCH);
    if (Number.isNaN(clockEpoch)) throw new ConfigError(`DRBOT_CLOCK_EPOCH must be an ISO time or epoch milliseconds, got "${env.DRBOT_CLOCK_EPOCH}"`);
  }

  if (Boolean(env.DRBOT_TLS_CERT) !== Boolean(env.DRBOT_TLS_KEY)) {
    throw new ConfigError('DRBOT_TLS_CERT and DRBOT_TLS_KEY go together: set both (PEM certificate and key files) or neither');
  }
  const tls = env.DRBOT_TLS_CERT && env.DRBOT_TLS_KEY
    ? { cert: cwdAbs(env.DRBOT_TLS_CERT), key: cwdAbs(env.DRBOT_TLS_KEY) }
    : file.tls
      ? { cert: abs(file.tls.cert), key: abs(file.tls.key) }
      : undefined;

  if (file.web.enabled && !env.DRBOT_WEB_SECRET && !file.web.trustedHeader) {
    throw new ConfigError('web.enabled is true but nobody could sign in', 'set DRBOT_WEB_SECRET (openssl rand -hex 32) for sign-in links from /incident web, or web.trustedHeader behind an authenticating proxy');
  }
  const heartbeatUrl = env.DRBOT_HEARTBEAT_URL?.trim() || file.heartbeat.url;
  if (heartbeatUrl && !/^https?:\/\/[^/\s]+/i.test(heartbeatUrl)) {
    throw new ConfigError('DRBOT_HEARTBEAT_URL (or heartbeat.url) must be an http:// or https:// URL', 'give the push URL of the uptime monitor, e.g. https://hc-ping.com/<uuid>');
  }
  if (env.DRBOT_WEB_SECRET && Buffer.byteLength(env.DRBOT_WEB_SECRET) < 32) {
    throw new ConfigError('DRBOT_WEB_SECRET is shorter than 32 characters', 'use a long random value: openssl rand -hex 32');
  }

  return {
    ...file,
    heartbeat: { ...file.heartbeat, url: heartbeatUrl || undefined },
    tls,
    lang,
    port,
    listenHost: env.DRBOT_LISTEN_HOST?.trim() || file.listenHost,
    configPath,
    runbookPath: abs(file.runbook),
    contactsPath: env.DRBOT_CONTACTS ? cwdAbs(env.DRBOT_CONTACTS) : abs(file.contacts),
    dataDir: env.DATA_DIR ? cwdAbs(env.DATA_DIR) : abs(file.dataDir),
    reportsDir: env.REPORTS_DIR ? cwdAbs(env.REPORTS_DIR) : abs(file.reportsDir),
    procedureDocument: { path: abs(file.procedureDocument.path), lang: file.procedureDocument.lang },
    databaseUrl: env.DATABASE_URL || undefined,
    databaseSchema: env.DATABASE_SCHEMA || undefined,
    replicaId,
    timeScale,
    clockEpoch,
    embeddedAgentConfigPath: abs(file.embeddedAgent.config),
    env,
  };
}
