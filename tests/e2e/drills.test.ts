/**
 * DR drills on real parts (issue 15, done-when): drbot (the real app: Slack module over HTTP against a
 * fake Slack Web API, a real SMTP server, a webhook receiver) and a real drbot-agent process over the
 * agent WebSocket. Each reproducible type is rehearsed as a person would: `/incident drill`, a fault
 * injected by an approved step, the procedure's recovery step approved, the health check passing,
 * `/incident drill end`, a drill report. Type 1 locally (Debian's uvicorn stopped and restarted),
 * Type 1 in containers (a podman container stopped and restarted through the Docker API), Type 2 (the
 * Access file corrupted, yesterday's backup restored), Type 5 (the model directory corrupted, the
 * previous version restored). The fixture backend's health check reads the Access file and the model,
 * so "healthy" means the data is good again. Every page, DM, mail and webhook is recorded: only the
 * participants are paged, every page starts with [DRILL], and the users' channels get nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { stringify } from 'yaml';
import type { RunningDrbot } from '../../src/app/start-drbot.js';
import type { Incident, StepRun } from '../../src/incident/incident.js';
import { drillReportsDir } from '../../src/report/incident-report-writer.js';
import { FakeSlackApi } from '../adapters/slack/support/fake-slack-api.js';
import { SIGNING_SECRET, readAck, slackSignature, slashCommandPayload } from '../adapters/slack/support/slack-harness.js';
import { startLocalSmtpServer, type LocalSmtpServer } from '../notify/support/local-smtp-server.js';
import { HostAgent, hostAgentConfig, startDrbotForAgentProcess } from './support/drbot-and-agent-process.js';
import { freePort } from './support/free-port.js';
import { startWebhookReceiver, until, type WebhookReceiver } from './support/page-receivers.js';
import { createComposeServiceContainer, dockerSocketPath, e2eAvailable, removeContainer } from './support/podman.js';
import { ACE, backendHealth, FIXTURE, killUvicornsOn, uvicornOnTheHost, uvicornsOn } from './support/routing-ml-host.js';
import { startUvicorn, UVICORN_BIN } from './support/start-uvicorn.js';

const HOUR = 3_600_000;

/** The people: three take part in every drill (each paged on another channel), two never do. */
const PEOPLE = {
  kim: { name: 'Kim DevOps', roles: ['devops'], slack: 'U0DEVOPS01', email: 'kim.devops@example.com', pageVia: ['chat'], available: 'always' },
  lee: { name: 'Lee Backend', roles: ['backend'], slack: 'U0BACKEND1', email: 'lee.backend@example.com', pageVia: ['email'], available: 'always' },
  choi: { name: 'Choi Network', roles: ['it_support'], slack: 'U0ITSUPP01', email: 'helpdesk@example.com', pageVia: ['webhook'], available: 'always' },
  park: { name: 'Park DevOps', roles: ['devops'], slack: 'U0DEVOPS02', email: 'park.devops@example.com', available: 'always' },
  jung: { name: 'Jung CTO', roles: ['cto'], slack: 'U0CTO00001', email: 'cto@example.com', available: 'always' },
} as const;
const PARTICIPANTS = [PEOPLE.kim, PEOPLE.lee, PEOPLE.choi];
const OUTSIDERS = [PEOPLE.park, PEOPLE.jung];
const OPS_CHANNEL = 'C0OPS0001';
const USER_CHANNEL = 'C0USERS01';
const USER_LIST = 'routing-users@example.com';

/** Pickle bytes the fixture backend recognises. */
const PICKLE = (version: string) => Buffer.concat([Buffer.from([0x80, 4, 0x95]), Buffer.from(`model ${version}`), Buffer.alloc(512, 1), Buffer.from('.')]);

let dir: string;
let backendPort: number;
let predictorPort: number;
let drbot: RunningDrbot;
let startDrbot: () => Promise<RunningDrbot>;
let agent: HostAgent;
let fake: FakeSlackApi;
let smtp: LocalSmtpServer;
let webhook: WebhookReceiver;
let reportsDir: string;
const docker = new Docker({ socketPath: dockerSocketPath() });
const project = `drbot-e2e-drill-${process.pid}`;
const predictor = `${project}-predictor-1`;
const path = (rel: string) => join(dir, 'host', rel);

const ourUvicorns = () => uvicornsOn(backendPort);
const health = () => backendHealth(backendPort);

/** Posts a signed `/incident` slash command as Slack would; drbot acknowledges (with the answer when it is ready within the ack budget) and works on. */
async function slash(text: string, user: string = PEOPLE.kim.slack): Promise<void> {
  const body = new URLSearchParams(slashCommandPayload(fake, text, user, { channel: OPS_CHANNEL })).toString();
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`http://127.0.0.1:${drbot.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
    body,
  });
  expect(await readAck(fake, res)).toBe(200);
}

const store = () => drbot.app.runtime.store;

async function lastRun(id: string, stepId: string): Promise<StepRun | undefined> {
  return (await store().incidents.stepRuns(id)).filter((r) => r.stepId === stepId && r.status !== 'running').at(-1);
}

async function ticked(id: string): Promise<string[]> {
  return (await store().incidents.checklist(id)).map((t) => t.itemId);
}

/** Approves a step as Kim (devops) and waits for its outcome. */
async function approve(id: string, stepId: string): Promise<StepRun> {
  const before = (await store().incidents.stepRuns(id)).filter((r) => r.stepId === stepId).length;
  await slash(`approve ${id} ${stepId}`);
  return until(`${stepId} to finish in ${id}`, async () => {
    const runs = (await store().incidents.stepRuns(id)).filter((r) => r.stepId === stepId && r.status !== 'running');
    return runs.length > before ? runs.at(-1) : undefined;
  });
}

/** Starts a drill with the three participants at ×3600 (the whole ladder and the RTO alarms come within seconds). */
async function startDrill(type: number): Promise<Incident> {
  const known = new Set((await store().incidents.list()).map((i) => i.id));
  await slash(`drill type${type} ${PARTICIPANTS.map((p) => p.name).join(', ')} --speed 3600`);
  const incident = await until(`the type ${type} drill to open`, async () => (await store().incidents.list(['open'])).find((i) => !known.has(i.id)));
  expect(incident).toMatchObject({ drill: true, type, drillPlan: { participants: PARTICIPANTS.map((p) => p.name), speed: 3600 } });
  await until(`the diagnostics of ${incident.id}`, async () => (await store().incidents.timeline(incident.id)).some((e) => e.kind === 'diagnostics'));
  return incident;
}

/** Waits until the ladder reached its top rung (the CTO rung, stood in by a participant): every rung has paged by then. */
async function ladderClimbed(id: string): Promise<void> {
  await until(`the CTO rung of ${id}`, async () => (await store().incidents.timeline(id)).some((e) => e.kind === 'page' && e.data?.role === 'cto'));
}

/** Ends the drill with `/incident drill end`; resolves with the report once written. */
async function endDrill(id: string, command = `drill end ${id}`): Promise<{ report: string; undone: string }> {
  const reports = () => (existsSync(drillReportsDir(reportsDir)) ? readdirSync(drillReportsDir(reportsDir)).filter((f) => f.endsWith('.md')) : []);
  const before = new Set(reports());
  await slash(command);
  await until(`${id} to be resolved`, async () => (await store().incidents.get(id))?.status === 'resolved');
  const file = await until(`the drill report of ${id}`, () => reports().find((f) => !before.has(f)));
  // written beside and renamed into place: whole once it is there
  const report = readFileSync(join(drillReportsDir(reportsDir), file), 'utf8');
  if (process.env.DRBOT_E2E_DUMP) writeFileSync(join(process.env.DRBOT_E2E_DUMP, file), `${report}\n---\n${(await store().incidents.timeline(id)).map((e) => `${e.actor}: ${e.text}`).join('\n')}`);
  expect(report).toContain(id);
  const undone = (await store().incidents.timeline(id)).filter((e) => e.data?.drillUndo !== undefined).map((e) => e.text).join('\n');
  return { report, undone };
}

/** Nobody outside the drill was paged on any channel, nobody twice for one rung, every page was a [DRILL] page, and the users heard nothing. */
function expectOnlyParticipantsPaged(): void {
  const dms = fake.callsOf('chat.postMessage').filter((c) => /^U/.test(String(c.args.channel)));
  expect(dms.length).toBeGreaterThan(0);
  const once = (keys: string[]) => expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  once(dms.map((dm) => `${String(dm.args.channel)} ${String(dm.args.text).split('\n')[0]}`));
  once(smtp.received.map((m) => `${m.to.join(',')} ${m.subject}`));
  once(webhook.received.map((h) => `${(h.body.contact as { name: string }).name} ${(h.body.incident as { id: string }).id} ${String(h.body.level)}`));
  for (const dm of dms) {
    expect(PARTICIPANTS.map((p) => p.slack)).toContain(dm.args.channel);
    expect(String(dm.args.text)).toMatch(/^\[DRILL\] /);
  }
  for (const outsider of OUTSIDERS) expect(fake.calls.filter((c) => JSON.stringify(c.args).includes(outsider.slack))).toEqual([]);
  expect(smtp.received.length).toBeGreaterThan(0);
  for (const mail of smtp.received) {
    expect(mail.to.every((to) => PARTICIPANTS.some((p) => p.email === to))).toBe(true);
    expect(mail.subject).toMatch(/^\[DRILL\] /);
  }
  expect(webhook.received.length).toBeGreaterThan(0);
  for (const hook of webhook.received) {
    expect(PARTICIPANTS.map((p) => p.name)).toContain((hook.body.contact as { name: string }).name);
    expect(String(hook.body.subject)).toMatch(/^\[DRILL\] /);
  }
  const channels = fake.callsOf('conversations.create').map((c) => String(c.args.name));
  expect(channels.length).toBeGreaterThan(0);
  for (const name of channels) expect(name).toMatch(/^drill-\d{8}-type\d-/);
  expect(fake.callsOf('conversations.invite').length).toBeGreaterThan(0);
  for (const invite of fake.callsOf('conversations.invite')) {
    for (const user of String(invite.args.users).split(',')) expect(PARTICIPANTS.map((p) => p.slack)).toContain(user);
  }
  // user notices: never posted to the users' channel or mailing list
  expect(fake.calls.filter((c) => c.args.channel === USER_CHANNEL)).toEqual([]);
  expect(smtp.received.filter((m) => m.to.includes(USER_LIST))).toEqual([]);
}

beforeAll(async () => {
  if (!(await e2eAvailable())) throw new Error(`e2e infrastructure missing (podman socket ${dockerSocketPath()} or ${UVICORN_BIN}): run scripts/install-e2e-deps.sh`);
  dir = mkdtempSync(join(tmpdir(), 'drbot-e2e-drills-'));
  backendPort = await freePort();
  predictorPort = await freePort();
  [fake, smtp, webhook] = await Promise.all([new FakeSlackApi().start(), startLocalSmtpServer(), startWebhookReceiver()]);

  // the host: the Access file with a backup from yesterday, model versions, logs, a share
  for (const d of ['db', 'backup', 'models/v20250901', 'models/v20251101', 'models/latest', 'mounted-models', 'share/routing', 'logs', 'agent-state']) mkdirSync(path(d), { recursive: true });
  writeFileSync(path('db/routing.accdb'), ACE('today'));
  writeFileSync(path('backup/routing_db_yesterday.accdb'), ACE('yesterday'));
  const yesterday = (Date.now() - 26 * HOUR) / 1000;
  utimesSync(path('backup/routing_db_yesterday.accdb'), yesterday, yesterday);
  // two archived versions; latest/ holds the older one (rolled back to it once), so "previous" is v20251101
  writeFileSync(path('models/v20250901/model.pkl'), PICKLE('v20250901'));
  writeFileSync(path('models/v20251101/model.pkl'), PICKLE('v20251101'));
  writeFileSync(path('models/latest/model.pkl'), PICKLE('v20250901'));
  const [older, newer] = [(Date.now() - 90 * 24 * HOUR) / 1000, (Date.now() - 28 * 24 * HOUR) / 1000];
  utimesSync(path('models/v20250901'), older, older);
  utimesSync(path('models/v20251101'), newer, newer);
  writeFileSync(path('logs/backend.log'), '');
  // the backend is healthy when its Access file and model are good and the predictor container answers
  const appEnv = { DRBOT_E2E_ACCESS_DB: path('db/routing.accdb'), DRBOT_E2E_MODEL: path('models/latest/model.pkl'), DRBOT_E2E_PREDICTOR_URL: `http://127.0.0.1:${predictorPort}/index.html` };

  mkdirSync(join(dir, 'config'));
  const contactsPath = join(dir, 'config/contacts.yaml');
  writeFileSync(contactsPath, stringify({ contacts: Object.values(PEOPLE) }));
  reportsDir = join(dir, 'docs/incident_reports');
  ({ drbot, start: startDrbot } = await startDrbotForAgentProcess(dir, {
    console: false,
    config: {
      contacts: contactsPath,
      reportsDir,
      // a fixed port, so the agent finds drbot again after the restart in the Type 5 drill
      port: await freePort(),
      slack: { opsChannel: OPS_CHANNEL, createChannels: true },
      notices: { slackChannels: [USER_CHANNEL], emails: [USER_LIST] },
    },
    env: {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SMTP_URL: smtp.url,
      DRBOT_WEBHOOK_URL: webhook.url,
      DRBOT_WEBHOOK_SECRET: 'drill-webhook-secret',
    },
  }));

  const base = hostAgentConfig({ host: join(dir, 'host'), drbotPort: drbot.port!, backendPort });
  const agentConfig = {
    ...base,
    ...uvicornOnTheHost(backendPort, path('logs/backend.log'), appEnv),
    logs: { ...base.logs, backend_local: path('logs/backend.log') },
    files: { ...base.files, model: path('models/latest/model.pkl') },
    dirs: { ...base.dirs, models: path('models'), mounted_models: path('mounted-models') },
    shares: { routing: { path: path('share/routing') } },
    restoreDirs: { models: { live: 'latest', versions: '^v' } },
    docker: { socketPath: dockerSocketPath(), project, services: ['predictor'], readyTargets: { predictor: 'backend' } },
    drill: { faults: { stop_process: ['uvicorn'], stop_container: ['predictor'], corrupt_file: ['access_db'], corrupt_dir: ['models'] } },
  };
  agent = new HostAgent(dir, agentConfig, () => drbot);
  await agent.start();

  // the predictor takes a moment to serve after it starts, as a real one loading its model does
  await createComposeServiceContainer(docker, { project, service: 'predictor', name: predictor, httpPort: predictorPort, startDelaySeconds: 2 });
  await startUvicorn({ port: backendPort, cwd: FIXTURE, logFile: path('logs/backend.log'), env: appEnv });
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await killUvicornsOn(backendPort);
  await removeContainer(docker, predictor).catch(() => undefined);
  await drbot?.stop(5_000);
  await Promise.all([fake?.stop(), smtp?.close(), webhook?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('DR drills on real parts', () => {
  it('Type 1 local: uvicorn stopped by the injected fault, restarted by the approved step; healthy, reported, only participants paged', async () => {
    expect(await health()).toBe(200);
    const { id } = await startDrill(1);

    const fault = await approve(id, 'fault-stop-process-uvicorn');
    expect(fault).toMatchObject({ status: 'ok', action: 'drill_fault', summary: expect.stringContaining('[DRILL] fault injected: uvicorn stopped') });
    expect(await ourUvicorns()).toEqual([]);
    expect(await health()).toBe(0);

    const restart = await approve(id, 'restart-backend-local');
    expect(restart).toMatchObject({ status: 'ok', summary: expect.stringContaining('answers ok') });
    await until('the health check to pass', async () => (await ticked(id)).includes('health-check-passed'));
    expect(await lastRun(id, 'check-health')).toMatchObject({ status: 'ok' });
    expect(await ourUvicorns()).toHaveLength(1);
    expect(await health()).toBe(200);

    await ladderClimbed(id);
    const { report, undone } = await endDrill(id);
    expect(undone).toContain('uvicorn: running again (recovered during the drill)');
    expect(report).toMatch(/# \[DRILL\] Disaster-recovery drill report: \d{4}-\d{2}-\d{2} Type 1/);
    expect(report).toContain('- **Participants**: Kim DevOps, Lee Backend, Choi Network');
    expect(report).toMatch(/\| fault-stop-process-uvicorn \(injected fault\) \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).toMatch(/\| restart-backend-local \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).not.toMatch(/\| health check passed \| never/);
    expect(await health()).toBe(200);
    expectOnlyParticipantsPaged();
  }, 240_000);

  it('Type 1 in containers: the predictor container stopped by the fault, restarted through the Docker API; healthy, reported', async () => {
    const container = docker.getContainer(predictor);
    expect((await container.inspect()).State.Running).toBe(true);
    const { id } = await startDrill(1);

    const fault = await approve(id, 'fault-stop-container-predictor');
    expect(fault).toMatchObject({ status: 'ok', summary: expect.stringContaining(`[DRILL] fault injected: container(s) of predictor stopped (${predictor})`) });
    expect((await container.inspect()).State.Running).toBe(false);
    expect(await health()).toBe(503);

    const restart = await approve(id, 'restart-predictor');
    expect(restart).toMatchObject({ status: 'ok', summary: `predictor: 1 container(s) restarted and running; http://127.0.0.1:${backendPort}/api/health answers ok` });
    expect((await container.inspect()).State.Running).toBe(true);
    await until('the health check to pass', async () => (await ticked(id)).includes('health-check-passed'));
    expect(await health()).toBe(200);

    await ladderClimbed(id);
    const { report, undone } = await endDrill(id);
    expect(undone).toContain(`predictor: ${predictor} running again (recovered during the drill)`);
    expect(report).toMatch(/\| restart-predictor \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).not.toMatch(/\| health check passed \| never/);
    expect((await container.inspect()).State.Running).toBe(true);
    expectOnlyParticipantsPaged();
  }, 240_000);

  it('Type 2: the Access file corrupted, yesterday’s backup restored with the damaged file kept aside; drill end puts the pre-drill file back', async () => {
    const { id } = await startDrill(2);

    const fault = await approve(id, 'fault-corrupt-file-access-db');
    expect(fault).toMatchObject({ status: 'ok', summary: expect.stringContaining(`[DRILL] fault injected: ${path('db/routing.accdb')} damaged`) });
    expect(readFileSync(path('db/routing.accdb')).includes('Standard ACE DB')).toBe(false);
    expect(await health()).toBe(503);

    // the notice is rehearsed, never sent (the users' channel and list are checked below)
    await slash(`notify ${id} outage`);
    await until('the rehearsed notice', async () => (await ticked(id)).includes('user-notice'));

    // kill -9 of the agent with the fault in place: the new agent process still knows what to undo
    await agent.kill();
    await agent.start();

    const restore = await approve(id, 'restore-db-from-yesterday');
    expect(restore).toMatchObject({ status: 'ok', summary: expect.stringContaining(`access_db restored from ${path('backup/routing_db_yesterday.accdb')}`) });
    expect(readFileSync(path('db/routing.accdb'))).toEqual(ACE('yesterday'));
    const kept = readdirSync(path('db')).filter((n) => n.startsWith('routing.accdb.before-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(path(`db/${kept[0]}`)).includes('Standard ACE DB')).toBe(false); // the damaged file, kept aside
    await until('the health check to pass', async () => (await ticked(id)).includes('health-check-passed'));
    expect(await health()).toBe(200);

    await ladderClimbed(id);
    const { report, undone } = await endDrill(id);
    expect(undone).toMatch(/access_db: the pre-drill file put back at .*routing\.accdb \(the drill's recovered copy is kept at .*routing\.accdb\.drill-recovered-/);
    expect(readFileSync(path('db/routing.accdb'))).toEqual(ACE('today'));
    expect(report).toMatch(/\| restore-db-from-yesterday \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).not.toMatch(/\| health check passed \| never/);
    expect(await health()).toBe(200);
    expectOnlyParticipantsPaged();
  }, 240_000);

  it('Type 5: the model directory corrupted, the previous version restored; drill end puts the pre-drill model back', async () => {
    const { id } = await startDrill(5);

    const fault = await approve(id, 'fault-corrupt-dir-models');
    expect(fault).toMatchObject({ status: 'ok', summary: expect.stringContaining(`[DRILL] fault injected: ${path('models/latest')} damaged`) });
    expect(await health()).toBe(503);

    // drbot restarts mid-drill: the drill, its speed and its timers come back from the store, the agent reconnects
    await drbot.stop(10_000);
    drbot = await startDrbot();
    await until('the agent to reconnect to the restarted drbot', () => drbot.app.runtime.agents.presence('routing-ml').online);
    expect(await store().incidents.get(id)).toMatchObject({ status: 'open', drill: true, drillPlan: { speed: 3600 } });

    const restore = await approve(id, 'restore-previous-model');
    expect(restore).toMatchObject({ status: 'ok', summary: expect.stringContaining('models: v20251101 restored into latest/') });
    expect(readFileSync(path('models/latest/model.pkl'))).toEqual(PICKLE('v20251101'));
    await until('the health check to pass', async () => (await ticked(id)).includes('health-check-passed'));
    expect(await health()).toBe(200);

    await ladderClimbed(id);
    // the RTO limit (8 h) at ×3600 comes 8 s after the start, after the restart: it pages a participant standing in for the CTO
    await until('the RTO limit alarm', async () => (await store().incidents.timeline(id)).some((e) => e.kind === 'page' && e.data?.level === 101));
    const { report, undone } = await endDrill(id);
    expect(undone).toMatch(/models: the pre-drill directory put back at .*models\/latest \(the drill's recovered copy is kept at /);
    expect(readFileSync(path('models/latest/model.pkl'))).toEqual(PICKLE('v20250901'));
    // the drill leaves no trace the next diagnostics would trip on: latest/ verifies as the version it was before
    const verify = await drbot.app.runtime.agents.run({ requestId: `req-verify-${process.pid}`, host: 'routing-ml', action: 'version_dir_verify', params: { dir: 'models' }, timeoutMs: 30_000 });
    expect(verify).toMatchObject({ status: 'ok', summary: expect.stringContaining('models: latest/ matches v20250901') });
    expect(report).toMatch(/\| restore-previous-model \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).not.toMatch(/\| health check passed \| never/);
    expect(await health()).toBe(200);
    expectOnlyParticipantsPaged();
  }, 240_000);

  it('a drill ended without recovering: /incident resolve undoes every fault (container, Access file, process) and the service is healthy again', async () => {
    const container = docker.getContainer(predictor);
    const { id } = await startDrill(1);
    // the stack broken from the bottom up: the predictor, the data, then the backend itself
    expect(await approve(id, 'fault-stop-container-predictor')).toMatchObject({ status: 'ok' });
    expect(await approve(id, 'fault-corrupt-file-access-db')).toMatchObject({ status: 'ok' });
    expect(await approve(id, 'fault-stop-process-uvicorn')).toMatchObject({ status: 'ok' });
    expect(await ourUvicorns()).toEqual([]);
    expect((await container.inspect()).State.Running).toBe(false);

    const { report, undone } = await endDrill(id, `resolve ${id} rehearsal over, nothing recovered`);
    expect(undone).toContain('uvicorn: started again');
    expect(undone).toContain(`predictor: ${predictor} started again`);
    expect(undone).toContain('access_db: the damaged file removed, the real one put back');
    expect((await container.inspect()).State.Running).toBe(true);
    expect(readFileSync(path('db/routing.accdb'))).toEqual(ACE('today'));
    expect(await ourUvicorns()).toHaveLength(1);
    await until('the backend to answer healthy', async () => (await health()) === 200);
    expect(report).toMatch(/\| health check passed \| never \|/);
    expectOnlyParticipantsPaged();
  }, 240_000);

  it('the backup-restore test on the real agent: the day-old backup warns against the RPO goal, a corrupt newer one fails, each with its numbers', async () => {
    const replies = () => fake.answers().map((c) => JSON.stringify(c.args));
    const seen = replies().length;
    await slash('checks run backup-restore');
    const old = await until('the backup-restore answer', () => replies().slice(seen).find((r) => r.includes('routing_db_yesterday.accdb')));
    expect(old).toMatch(/routing_db_yesterday\.accdb, \d+ bytes, 2[67](\.\d)? h old \(RPO goal 24 h, limit 72 h, past the goal\)/);
    expect(old).toContain('Access database (Standard ACE DB)');

    const corrupt = ACE('today, damaged');
    corrupt.fill(0, 0, 32);
    writeFileSync(path('backup/routing_db_today.accdb'), corrupt);
    const seen2 = replies().length;
    await slash('checks run backup-restore');
    const bad = await until('the second backup-restore answer', () => replies().slice(seen2).find((r) => r.includes('routing_db_today.accdb')));
    expect(bad).toContain(`routing_db_today.accdb, ${corrupt.length} bytes`);
    expect(bad).toContain('not an Access database: no \\"Standard ACE DB\\" signature at offset 4');
    expect(readdirSync(path('agent-state')).filter((n) => n.startsWith('restore-test-'))).toEqual([]);
  }, 120_000);
});
