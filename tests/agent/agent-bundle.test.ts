import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { stringify } from 'yaml';
import { packageRoot } from '../../src/config/package-root.js';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { freePort } from '../e2e/support/free-port.js';

/** A Docker Engine API on a unix socket that lists two running compose containers and records each request. */
function fakeDockerEngine(socketPath: string): Promise<{ server: Server; requests: string[] }> {
  const requests: string[] = [];
  const container = (service: string) => ({
    Id: createHash('sha256').update(service).digest('hex'),
    Names: [`/routing-${service}-1`],
    State: 'running',
    Status: 'Up 2 hours',
    Labels: { 'com.docker.compose.project': 'routing', 'com.docker.compose.service': service },
  });
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method === 'GET' && /^(\/v[\d.]+)?\/containers\/json\b/.test(req.url ?? '')) json(200, [container('predictor'), container('frontend')]);
    else json(404, { message: 'not in this fake' });
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve({ server, requests })));
}

/** Waits until `read()` matches `pattern`, or fails with what was read. */
async function eventually(read: () => string, pattern: RegExp, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`never saw ${pattern} in:\n${read().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('single-file drbot-agent (scripts/bundle-agent.mjs)', () => {
  // the bundle sits alone in a fresh directory: no node_modules anywhere above it
  const dir = mkdtempSync(join(tmpdir(), 'drbot-agent-bundle-'));
  const bundle = join(dir, 'drbot-agent.mjs');

  beforeAll(() => {
    execFileSync(process.execPath, [join(packageRoot(), 'scripts/bundle-agent.mjs'), bundle], { stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with nothing beside it and prints its usage for --help', () => {
    const r = spawnSync(process.execPath, [bundle, '--help'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: drbot-agent --config agent\.yaml/);
  });

  it('refuses to start without its token, naming the variable', () => {
    const config = join(dir, 'no-token.yaml');
    writeFileSync(config, stringify({ id: 'routing-ml', stateDir: 'state', drbot: { url: 'ws://127.0.0.1:9/agent' } }));
    const r = spawnSync(process.execPath, [bundle, '--config', config], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DRBOT_AGENT_TOKEN');
  });

  describe('against a real drbot', () => {
    const token = randomBytes(32).toString('hex');
    const { home, dataDir, configPath } = aDrbotHome();
    let drbot: DrbotProcess | undefined;
    let agent: ChildProcessWithoutNullStreams | undefined;
    let agentStderr = '';
    let docker: { server: Server; requests: string[] };

    afterAll(async () => {
      if (agent && agent.exitCode === null) agent.kill('SIGKILL');
      if (drbot) await drbot.signal('SIGTERM');
      docker?.server.close();
      rmSync(home, { recursive: true, force: true });
    });

    it('connects, runs drbot\'s diagnostics with its bundled dockerode, and stops on SIGTERM', async () => {
      docker = await fakeDockerEngine(join(dir, 'docker.sock'));
      const port = await freePort();
      appendFileSync(configPath, stringify({ agents: [{ id: 'routing-ml', tokenSha256: createHash('sha256').update(token).digest('hex') }] }));
      drbot = new DrbotProcess([], { DATA_DIR: dataDir, DRBOT_CONFIG: configPath, PORT: String(port), DRBOT_LANG: 'en', LOG_LEVEL: 'info' });
      await drbot.waitFor(/drbot ready/);

      // relative paths in agent.yaml are relative to the directory above its own (host/)
      mkdirSync(join(dir, 'host/config'), { recursive: true });
      const agentYaml = join(dir, 'host/config/agent.yaml');
      writeFileSync(
        agentYaml,
        stringify({
          id: 'routing-ml',
          stateDir: 'state',
          snapshotDir: 'snapshots',
          ports: [5173],
          docker: { socketPath: join(dir, 'docker.sock'), project: 'routing', services: ['predictor', 'frontend'] },
          drbot: { url: `ws://127.0.0.1:${port}/agent` },
        }),
      );
      agent = spawn(process.execPath, [bundle, '--config', agentYaml], { cwd: dir, env: { PATH: process.env.PATH, DRBOT_AGENT_TOKEN: token }, stdio: 'pipe' });
      agent.stderr.setEncoding('utf8').on('data', (d: string) => (agentStderr += d));
      await eventually(() => drbot!.stderr, /"msg":"agent connected"/);

      const mark = drbot.stdout.length;
      drbot.send('/incident open type4 full containers down');
      // ✅ only when the agent listed both expected services running, through the fake Docker Engine
      await drbot.waitFor(/diagnostics: [^\n]*✅ list-containers/, mark);
      expect(docker.requests.some((r) => /^GET (\/v[\d.]+)?\/containers\/json\?/.test(r))).toBe(true);
      // the log snapshot, written by the agent under its own snapshotDir
      await eventually(() => (existsSync(join(dir, 'host/snapshots')) ? readdirSync(join(dir, 'host/snapshots')).join(' ') : ''), /^incident_\d{8}_\d{4}\.log$/);
      expect(agentStderr).not.toContain(token);

      const exited = new Promise<number | null>((resolve) => agent!.on('exit', (code) => resolve(code)));
      agent.kill('SIGTERM');
      expect(await exited).toBe(0);
    }, 90_000);
  });
});
