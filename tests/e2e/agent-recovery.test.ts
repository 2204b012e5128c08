/**
 * The host agent against real parts, driven through a real drbot (console mode, HTTP on a free port,
 * the embedded agent connected over a real WebSocket): Type 1 with Debian's uvicorn killed and
 * brought back by an approved process_restart, Type 4 with a podman container labelled as compose
 * service `predictor` stopped and brought back by an approved compose_service_restart.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { StepRun } from '../../src/incident/incident.js';
import { freePort } from './support/free-port.js';
import { createComposeServiceContainer, dockerSocketPath, e2eAvailable, removeContainer } from './support/podman.js';
import { FIXTURE, killUvicornsOn, uvicornOnTheHost, uvicornsOn } from './support/routing-ml-host.js';
import { startDrbotWithAgent, type DrbotWithAgent } from './support/start-drbot-with-agent.js';
import { startUvicorn, UVICORN_BIN } from './support/start-uvicorn.js';

let dir: string;
let backendPort: number;
let frontendPort: number;
let h: DrbotWithAgent;
const docker = new Docker({ socketPath: dockerSocketPath() });
const project = `drbot-e2e-agent-${process.pid}`;
const predictor = `${project}-predictor-1`;

/** The uvicorn processes serving the fixture on this test's port (never anyone else's). */
const ourUvicorns = () => uvicornsOn(backendPort);

async function runsOf(incidentId: string): Promise<Map<string, StepRun>> {
  const runs = await h.drbot.app.runtime.store.incidents.stepRuns(incidentId);
  return new Map(runs.map((r) => [r.stepId, r]));
}

async function ticked(incidentId: string): Promise<string[]> {
  return (await h.drbot.app.runtime.store.incidents.checklist(incidentId)).map((t) => t.itemId);
}

async function openIncident(type: number): Promise<string> {
  await h.dispatch(`/incident open type${type}`, h.as('Kim DevOps'));
  const [incident] = (await h.drbot.app.runtime.store.incidents.list(['open'])).filter((i) => i.type === type);
  return incident!.id;
}

beforeAll(async () => {
  if (!(await e2eAvailable())) throw new Error(`e2e infrastructure missing (podman socket ${dockerSocketPath()} or ${UVICORN_BIN}): run scripts/install-e2e-deps.sh`);
  dir = mkdtempSync(join(tmpdir(), 'drbot-e2e-agent-'));
  backendPort = await freePort();
  frontendPort = await freePort();
  h = await startDrbotWithAgent(dir, {
    id: 'routing-ml',
    host: 'routing-ml',
    stateDir: join(dir, 'agent-state'),
    snapshotDir: join(dir, 'snapshots'),
    logs: { backend: join(dir, 'backend.log'), backend_local: join(dir, 'backend.log') },
    ports: [8000, 5173],
    portMap: { 8000: backendPort, 5173: frontendPort },
    targets: { backend: { url: `http://127.0.0.1:${backendPort}/api/health`, timeoutMs: 2000 } },
    docker: { socketPath: dockerSocketPath(), project, services: ['predictor', 'frontend'] },
    // processes.uvicorn and restarts.backend
    ...uvicornOnTheHost(backendPort, join(dir, 'backend.log')),
  });
  expect(h.drbot.port).toBeGreaterThan(0);
  expect(h.drbot.app.runtime.agents.presence('routing-ml').online).toBe(true);
}, 60_000);

afterAll(async () => {
  await killUvicornsOn(backendPort);
  await removeContainer(docker, predictor).catch(() => undefined);
  await h?.drbot.stop(5_000);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('Type 1: uvicorn killed, restarted after approval', () => {
  it('diagnoses on open (process missing, port closed, health failing), restarts on approval, health passes and ticks the checklist', async () => {
    const uvicorn = await startUvicorn({ port: backendPort, cwd: FIXTURE, logFile: join(dir, 'backend.log') });
    await uvicorn.stop(); // the outage
    expect(await ourUvicorns()).toEqual([]);

    const id = await openIncident(1);
    const diag = await runsOf(id);
    expect(diag.get('check-process')).toMatchObject({ status: 'fail', summary: expect.stringContaining('no process running') });
    expect(diag.get('check-port-8000')).toMatchObject({ status: 'fail', summary: expect.stringContaining('closed') });
    expect(diag.get('check-health')).toMatchObject({ status: 'fail' });
    expect(diag.get('tail-backend-log')?.output).toContain('Uvicorn running');
    expect(await ticked(id)).toContain('log-snapshot');
    expect(await ticked(id)).not.toContain('health-check-passed');
    expect(h.output()).toContain(`${id} diagnostics`);

    const reply = await h.dispatch(`/incident approve ${id} restart-backend-local`, h.as('Kim DevOps'));
    expect(reply).toContain('restart-backend-local');
    const after = await runsOf(id);
    expect(after.get('restart-backend-local')).toMatchObject({ status: 'ok', summary: expect.stringContaining('answers ok') });
    expect(after.get('restart-backend-local')?.requestId).toMatch(/^run-apr-/);
    expect(await ourUvicorns()).toHaveLength(1);
    const health = await fetch(`http://127.0.0.1:${backendPort}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', version: 'e2e' });
    expect(await ticked(id)).toEqual(expect.arrayContaining(['recovery-executed', 'health-check-passed']));

    // the same request id sent again (a retry after a dropped link, a second drbot process) is refused by the agent
    const pidsBefore = await ourUvicorns();
    const again = await h.drbot.app.runtime.agents.run({ requestId: after.get('restart-backend-local')!.requestId, host: 'routing-ml', action: 'process_restart', params: { process: 'backend' }, approvalId: 'apr-retry', timeoutMs: 30_000 });
    expect(again.summary).toContain('never run twice');
    expect(await ourUvicorns()).toEqual(pidsBefore);
    await h.dispatch(`/incident resolve ${id} uvicorn restarted`, h.as('Kim DevOps'));
  }, 90_000);
});

describe('Type 4: predictor container stopped, restarted after approval', () => {
  it('sees the container exited and brings it back with compose_service_restart through dockerode', async () => {
    const container = await createComposeServiceContainer(docker, { project, service: 'predictor', name: predictor });
    await container.stop({ t: 5 });
    expect((await container.inspect()).State.Status).toBe('exited');

    const id = await openIncident(4);
    const diag = await runsOf(id);
    expect(diag.get('list-containers')).toMatchObject({ status: 'fail', summary: expect.stringContaining('predictor exited') });
    expect(diag.get('predictor-logs')).toMatchObject({ status: 'fail', output: expect.stringContaining('predictor stopping') });

    // Type 4's runbook rebuilds the stack; the predictor restart the procedure gives is the Docker step of Type 1
    const api = await openIncident(1);
    await h.dispatch(`/incident approve ${api} restart-predictor`, h.as('Lee Backend'));
    const after = await runsOf(api);
    expect(after.get('restart-predictor')).toMatchObject({ status: 'ok', summary: 'predictor: 1 container(s) restarted and running' });
    expect((await container.inspect()).State.Running).toBe(true);
    expect(await ticked(api)).toContain('recovery-executed');
    const seen = await h.drbot.app.runtime.agents.run({ requestId: `req-e2e-${process.pid}`, host: 'routing-ml', action: 'containers', params: { all: true }, timeoutMs: 10_000 });
    expect(seen.output).toMatch(/predictor\s+running/);
  }, 90_000);
});
