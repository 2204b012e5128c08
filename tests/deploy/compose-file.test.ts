import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { packageRoot } from '../../src/config/package-root.js';
import { slackSettings } from '../../adapters/slack/slack-settings.js';

/**
 * deploy/compose (two drbot replicas behind haproxy on one PostgreSQL) cannot be run here (no
 * network to pull images), so its pieces are checked against drbot's real configuration: every
 * variable it sets is one drbot reads and accepts, the replicas share the database and the reports
 * but not their DATA_DIR, health checks hit /healthz on the port drbot listens on, and the load
 * balancer sends to both replicas and drops one whose /healthz fails.
 */

const root = packageRoot();
const dir = join(root, 'deploy/compose');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  env_file?: string;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  ports?: string[];
}

const compose = parse(readFileSync(join(dir, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const replicas = ['drbot-a', 'drbot-b'];
/** `${VAR:?message}` as compose fills it in from .env. */
const interpolate = (value: string) => value.replace(/\$\{([A-Z_]+)(:\?[^}]*)?\}/g, (_m, name: string) => (name === 'DRBOT_DB_PASSWORD' ? 'pw' : `<${name}>`));
const envOf = (name: string) => Object.fromEntries(Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));

/** Every environment variable name drbot's own code mentions (src/, adapters/). */
function namesDrbotReads(): Set<string> {
  const names = new Set<string>();
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/(?:env\.|env\[['"]|pick\(['"])([A-Z][A-Z0-9_]{2,})\b/g)) names.add(m[1]!);
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'adapters'));
  return names;
}

describe('deploy/compose: two drbot replicas behind a load balancer on PostgreSQL', () => {
  it('has the database, two replicas of one image and the load balancer', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['drbot-a', 'drbot-b', 'lb', 'postgres']);
    for (const name of replicas) {
      const s = compose.services[name]!;
      expect(s.build).toEqual({ context: '../..', dockerfile: 'deploy/compose/Containerfile' });
      expect(s.image).toBe('localhost/drbot:latest');
      expect(s.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    }
  });

  it('sets only variables drbot reads, and drbot accepts each replica\'s settings', () => {
    const known = namesDrbotReads();
    const shared = Object.fromEntries(
      readFileSync(join(dir, compose.services['drbot-a']!.env_file!.replace(/\.env$/, '.env.example')), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    for (const name of [...Object.keys(shared), ...replicas.flatMap((r) => Object.keys(envOf(r)))]) expect([name, known.has(name)]).toEqual([name, true]);
    const ids = new Set<string>();
    for (const name of replicas) {
      const env = { ...shared, SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'signing-secret-0123', ...envOf(name) };
      const config = loadConfig(env);
      expect(config.port).toBe(3000);
      expect(config.replicaId).toBe(name);
      expect(config.databaseUrl).toBe('postgres://drbot:pw@postgres:5432/drbot');
      expect(config.dataDir).toBe('/var/lib/drbot');
      expect(config.reportsDir).toBe('/var/lib/drbot-reports');
      expect(() => slackSettings(env)).not.toThrow();
      ids.add(config.replicaId!);
    }
    expect(ids.size).toBe(replicas.length);
  });

  it('points both replicas at the postgres service with the user and database it creates', () => {
    const pg = compose.services.postgres!;
    const url = new URL(envOf('drbot-a').DATABASE_URL!);
    expect([url.hostname, url.port, url.username, url.pathname.slice(1)]).toEqual(['postgres', '5432', pg.environment!.POSTGRES_USER, pg.environment!.POSTGRES_DB]);
    expect(envOf('drbot-b').DATABASE_URL).toBe(envOf('drbot-a').DATABASE_URL);
    expect(pg.healthcheck!.test).toEqual(['CMD', 'pg_isready', '-U', pg.environment!.POSTGRES_USER, '-d', pg.environment!.POSTGRES_DB]);
  });

  it('gives each replica its own DATA_DIR volume and both the same reports volume', () => {
    const mounts = (name: string) => Object.fromEntries(compose.services[name]!.volumes!.map((v) => [v.split(':')[1], v.split(':')[0]]));
    const [a, b] = replicas.map(mounts) as [Record<string, string>, Record<string, string>];
    expect(a['/var/lib/drbot']).not.toBe(b['/var/lib/drbot']);
    expect(a['/var/lib/drbot-reports']).toBe('reports');
    expect(b['/var/lib/drbot-reports']).toBe('reports');
    for (const v of [...Object.values(a), ...Object.values(b)]) expect(Object.keys(compose.volumes)).toContain(v);
  });

  it('checks health at /healthz on the port drbot listens on, in the replicas and in the load balancer', () => {
    for (const name of replicas) {
      const check = compose.services[name]!.healthcheck!.test.join(' ');
      expect(check).toContain(`http://127.0.0.1:${envOf(name).PORT}/healthz`);
      expect(check).toMatch(/r\.ok \? 0 : 1/);
    }
    const haproxy = readFileSync(join(dir, 'haproxy.cfg'), 'utf8');
    expect(haproxy).toMatch(/^\s*option httpchk GET \/healthz$/m);
    expect(haproxy).toMatch(/^\s*http-check expect status 200$/m);
    for (const name of replicas) expect(haproxy).toMatch(new RegExp(`^\\s*server ${name} ${name}:${envOf(name).PORT} check`, 'm'));
    const lb = compose.services.lb!;
    expect(lb.volumes).toContain('./haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    expect(lb.ports).toEqual(['3000:3000']);
  });

  it('builds an image that starts drbot as npm start does, stopped with SIGTERM', () => {
    const containerfile = readFileSync(join(dir, 'Containerfile'), 'utf8');
    const start = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const cmd = /^CMD (\[.*\])$/m.exec(containerfile)![1]!;
    expect((JSON.parse(cmd) as string[]).join(' ')).toBe(start);
    expect(containerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(containerfile).toMatch(/^EXPOSE 3000$/m);
  });
});
