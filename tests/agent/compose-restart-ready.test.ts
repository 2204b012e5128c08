import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAgentConfig } from '../../src/agent/agent-config.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';
import { FakeDockerEngine } from './support/fake-docker-engine.js';

let host: AgentConfigBuilder | undefined;
let engine: FakeDockerEngine | undefined;
let service: Server | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  service?.closeAllConnections();
  await new Promise((r) => (service ? service.close(r) : r(undefined)));
  service = undefined;
  await host?.close();
});

/** A health endpoint that answers 503 "starting" to its first `startingFor` requests, then 200 ok. */
async function aServiceStarting(startingFor: number): Promise<{ url: string; asked: () => number }> {
  let asked = 0;
  service = createServer((_req, res) => {
    asked++;
    const ready = asked > startingFor;
    res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: ready ? 'ok' : 'starting' }));
  });
  await new Promise<void>((r) => service!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(service.address() as AddressInfo).port}/api/health`, asked: () => asked };
}

async function restart(readyTargets?: Record<string, string>, url = 'http://127.0.0.1:9/api/health', timeoutMs = 60_000) {
  engine = await FakeDockerEngine.start([{ id: 'c1', name: 'stack-predictor-1', service: 'predictor', project: 'stack', state: 'running' }]);
  host = anAgentConfig().with({ docker: { socketPath: engine.socketPath, project: 'stack', services: ['predictor'], ...(readyTargets ? { readyTargets } : {}) }, targets: { backend: { url, timeoutMs: 1000 } } });
  return host.execute(aRequest('compose_service_restart', { service: 'predictor' }, { approvalId: 'apr-1', timeoutMs }));
}

// Found by the Type 1 container drill (tests/e2e/drills.test.ts): the predictor runs again before it
// serves, so the health check right after the restart failed and "health check passed" was never ticked.
describe('compose_service_restart waits for the service’s ready target', () => {
  it('answers ok only once the target answers ok, after the container is running', async () => {
    const svc = await aServiceStarting(3);
    const r = await restart({ predictor: 'backend' }, svc.url);
    expect(r).toMatchObject({ status: 'ok', summary: `predictor: 1 container(s) restarted and running; ${svc.url} answers ok` });
    expect(svc.asked()).toBe(4);
    expect(engine!.calls).toContain('POST /containers/c1/restart');
  });

  it('fails with the last answer when the target never comes up within the step’s timeout; the container was still restarted', async () => {
    const svc = await aServiceStarting(Number.MAX_SAFE_INTEGER);
    const r = await restart({ predictor: 'backend' }, svc.url, 3_000);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(`predictor: 1 container(s) restarted and running, but ${svc.url} did not answer ok before the timeout (HTTP 503`);
    expect(engine!.calls).toContain('POST /containers/c1/restart');
  });

  it('says what the target last answered, not that the step ran out of time in the middle of a check', async () => {
    // Answers 503 once, then never: every later check waits its full second, and the step's
    // 3 s deadline falls inside one of them.
    let asked = 0;
    service = createServer((_req, res) => {
      if (++asked === 1) res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"starting"}');
    });
    await new Promise<void>((r) => service!.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(service.address() as AddressInfo).port}/api/health`;
    const r = await restart({ predictor: 'backend' }, url, 3_000);
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`predictor: 1 container(s) restarted and running, but ${url} did not answer ok before the timeout (no answer within 1000 ms)`);
  });

  it('without a ready target, running is enough (as before)', async () => {
    const r = await restart();
    expect(r).toMatchObject({ status: 'ok', summary: 'predictor: 1 container(s) restarted and running' });
  });

  it('refuses a config whose readyTargets name an unknown service or target', () => {
    const base = { id: 'routing-ml', stateDir: '/tmp/x', targets: { backend: { url: 'http://127.0.0.1:8000/api/health' } } };
    expect(() => parseAgentConfig({ ...base, docker: { services: ['predictor'], readyTargets: { frontend: 'backend' } } }, 'agent.yaml', '/')).toThrow('docker.readyTargets: "frontend" is not in docker.services');
    expect(() => parseAgentConfig({ ...base, docker: { services: ['predictor'], readyTargets: { predictor: 'nope' } } }, 'agent.yaml', '/')).toThrow('docker.readyTargets.predictor: "nope" is not in targets');
  });
});
