/** Proves the e2e infrastructure itself with real parts: Debian's uvicorn serving the Routing ML fixture, and podman's Docker API driven by dockerode. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { freePort } from './support/free-port.js';
import { startUvicorn, type UvicornHandle } from './support/start-uvicorn.js';
import { createComposeServiceContainer, dockerSocketPath, e2eAvailable, E2E_IMAGE, removeContainer } from './support/podman.js';
import { containerLogs } from './support/container-logs.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/routing-ml', import.meta.url));
const NOT_READY = `e2e infrastructure missing (podman socket ${dockerSocketPath()} not answering _ping, or /usr/bin/uvicorn absent): run scripts/install-e2e-deps.sh`;

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

beforeAll(async () => {
  if (!(await e2eAvailable())) throw new Error(NOT_READY);
});

describe('real uvicorn serving the Routing ML fixture', () => {
  let dir: string;
  let uvicorn: UvicornHandle | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'drbot-e2e-uvicorn-'));
  });
  afterAll(async () => {
    await uvicorn?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts, answers /api/health and /api/predict, and closes its port once stopped', async () => {
    const port = await freePort();
    uvicorn = await startUvicorn({ port, cwd: FIXTURE, logFile: join(dir, 'uvicorn.log') });
    expect(uvicorn.port).toBe(port);
    expect(uvicorn.pid).toBeGreaterThan(0);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', version: 'e2e' });
    const predict = await fetch(`http://127.0.0.1:${port}/api/predict`);
    expect(await predict.json()).toEqual({ prediction: 1 });
    expect(await portAccepts(port)).toBe(true);

    await uvicorn.stop();
    expect(() => process.kill(uvicorn!.pid, 0)).toThrow();
    expect(await portAccepts(port)).toBe(false);
    await expect(fetch(`http://127.0.0.1:${port}/api/health`)).rejects.toThrow();
  }, 30_000);

  it('fails with the log tail when uvicorn cannot load the app', async () => {
    const port = await freePort();
    await expect(
      startUvicorn({ port, cwd: FIXTURE, logFile: join(dir, 'bad.log'), app: 'backend.no_such_module:app', timeoutMs: 10_000 }),
    ).rejects.toThrow(/exited early[\s\S]*no_such_module/);
  }, 30_000);
});

describe('podman Docker API through dockerode', () => {
  const docker = new Docker({ socketPath: dockerSocketPath() });
  const project = `drbot-e2e-${process.pid}`;
  const name = `${project}-predictor-1`;

  afterAll(async () => {
    await removeContainer(docker, name);
  });

  it('has the local busybox image', async () => {
    const image = await docker.getImage(E2E_IMAGE).inspect();
    expect(image.Id).toMatch(/^(sha256:)?[0-9a-f]{64}$/);
  });

  it('lists a compose-labelled predictor container by label, stops, restarts it and reads its logs', async () => {
    const httpPort = await freePort();
    const created = await createComposeServiceContainer(docker, { project, service: 'predictor', name, httpPort });

    const listed = await docker.listContainers({
      all: true,
      filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.service=predictor'] },
    });
    expect(listed).toHaveLength(1);
    expect(listed[0]!.Id).toBe(created.id);
    expect(listed[0]!.Labels['com.docker.compose.service']).toBe('predictor');
    expect(listed[0]!.State).toBe('running');
    const other = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}-other`] } });
    expect(other).toHaveLength(0);

    const info = await created.inspect();
    expect(info.HostConfig.NetworkMode).toBe('host');
    // host networking: busybox httpd inside the container is reachable on the host's loopback
    let body = '';
    for (let i = 0; i < 50 && body === ''; i++) {
      body = await fetch(`http://127.0.0.1:${httpPort}/index.html`).then((r) => r.text(), () => '');
      if (body === '') await new Promise((r) => setTimeout(r, 100));
    }
    expect(body).toContain('drbot e2e');

    const t0 = Date.now();
    await created.stop({ t: 10 });
    expect(Date.now() - t0).toBeLessThan(8_000); // exited on SIGTERM, not on the kill timeout
    const stopped = await created.inspect();
    expect(stopped.State.Status).toBe('exited');
    expect(stopped.State.Running).toBe(false);
    expect(await portAccepts(httpPort)).toBe(false);

    await created.restart();
    const restarted = await created.inspect();
    expect(restarted.State.Status).toBe('running');
    expect(restarted.State.Running).toBe(true);
    const [again] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${project}`] } });
    expect(again?.State).toBe('running');

    const logs = await containerLogs(created);
    expect(logs).toContain('predictor started');
    expect(logs).toContain('predictor stopping');
    expect(logs.match(/predictor started/g)?.length).toBe(2);

    await removeContainer(docker, name);
    await expect(created.inspect()).rejects.toMatchObject({ statusCode: 404 });
  }, 60_000);
});
