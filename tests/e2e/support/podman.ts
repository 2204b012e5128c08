import { request } from 'node:http';
import { existsSync } from 'node:fs';
import type Docker from 'dockerode';
import { UVICORN_BIN } from './start-uvicorn.js';

/** The image scripts/install-e2e-deps.sh builds with `podman import` (nothing can be pulled here). */
export const E2E_IMAGE = 'localhost/drbot-e2e-busybox:latest';

/** Label put on every container the e2e helpers create, so leftovers can be found and removed. */
export const E2E_LABEL = 'io.drbot.e2e';

/** Docker-API socket of the podman service: env DOCKER_SOCKET, else /run/drbot-e2e/podman.sock. */
export function dockerSocketPath(): string {
  return process.env.DOCKER_SOCKET || '/run/drbot-e2e/podman.sock';
}

/** True when the podman socket answers GET /_ping with OK and /usr/bin/uvicorn exists. */
export async function e2eAvailable(): Promise<boolean> {
  return existsSync(UVICORN_BIN) && (await ping(dockerSocketPath()));
}

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK'));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

export interface ComposeServiceContainerOptions {
  /** Value of com.docker.compose.project. */
  project: string;
  /** Value of com.docker.compose.service, e.g. `predictor`. */
  service: string;
  /** Container name; a leftover container of that name is removed first. */
  name: string;
  /** If set, busybox httpd serves "drbot e2e" on 127.0.0.1:httpPort (host network); otherwise it just sleeps. */
  httpPort?: number;
  /** Seconds the service takes to start serving after the container starts (as a predictor loading its model does). */
  startDelaySeconds?: number;
}

/**
 * Creates and starts a container labelled like a docker-compose service, from the local busybox image,
 * with host networking. Its main process prints "<service> started" on start and "<service> stopping"
 * on SIGTERM, then exits at once (so `stop` does not wait for the kill timeout).
 */
export async function createComposeServiceContainer(
  docker: Docker,
  options: ComposeServiceContainerOptions,
): Promise<Docker.Container> {
  const { project, service, name, httpPort, startDelaySeconds = 0 } = options;
  for (const [key, value] of Object.entries({ project, service, name })) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(value)) throw new Error(`createComposeServiceContainer: bad ${key} ${JSON.stringify(value)}`);
  }
  await removeContainer(docker, name);
  const delay = startDelaySeconds > 0 ? `sleep ${Number(startDelaySeconds)} && ` : '';
  const main = httpPort === undefined ? 'sleep 2147483647' : `${delay}httpd -f -p 127.0.0.1:${Number(httpPort)} -h /var/www`;
  const script = `trap 'echo "${service} stopping"; kill $! 2>/dev/null; exit 0' TERM INT; echo "${service} started"; ${main} & wait`;
  const container = await docker.createContainer({
    name,
    Image: E2E_IMAGE,
    Cmd: ['/bin/sh', '-c', script],
    Labels: {
      'com.docker.compose.project': project,
      'com.docker.compose.service': service,
      'com.docker.compose.container-number': '1',
      'com.docker.compose.oneoff': 'False',
      [E2E_LABEL]: 'true',
    },
    HostConfig: { NetworkMode: 'host' },
  });
  await container.start();
  return container;
}

/** Force-removes a container (and its anonymous volumes) by id or name; a missing one is fine. */
export async function removeContainer(docker: Docker, idOrName: string): Promise<void> {
  try {
    await docker.getContainer(idOrName).remove({ force: true, v: true });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
}
