/**
 * Plan before approval on real parts (issue 14, done-when): drbot (console mode, in process) and a real
 * drbot-agent process over the agent WebSocket, a real backup directory and Access file, and the
 * fixture backend under Debian's uvicorn, whose health check reads that file. The plan names the
 * backup the restore would use (size, time, age against the RPO); a newer backup lands after the plan
 * was shown, so approving that plan is refused with what changed and nothing is restored; approving
 * the new plan restores the newer backup, the agent verifies the copy, and the health check passes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { resolveActor } from '../../src/app/actor.js';
import type { RunningDrbot } from '../../src/app/start-drbot.js';
import { replyText } from '../support/reply-text.js';
import { HostAgent, hostAgentConfig, startDrbotForAgentProcess } from './support/drbot-and-agent-process.js';
import { freePort } from './support/free-port.js';
import { until } from './support/page-receivers.js';
import { ACE, backendHealth, FIXTURE, killUvicornsOn } from './support/routing-ml-host.js';
import { startUvicorn, UVICORN_BIN } from './support/start-uvicorn.js';

const HOUR = 3_600_000;
const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '');

let dir: string;
let backendPort: number;
let drbot: RunningDrbot;
let agent: HostAgent;
const path = (rel: string) => join(dir, 'host', rel);
const older = { at: Date.now() - 50 * HOUR } as { at: number; name: string };
const newer = { at: Date.now() - 26 * HOUR } as { at: number; name: string };
older.name = `routing_db_${ymd(older.at)}_a.accdb`;
newer.name = `routing_db_${ymd(newer.at)}_b.accdb`;

const say = async (line: string, who = 'Lee Backend') => {
  const reply = await drbot.app.router.dispatch(line, resolveActor(drbot.app.runtime.contacts, 'console', who, who), { channel: 'console' });
  await drbot.app.runtime.events.settled();
  return { reply, text: await replyText(reply) };
};
const store = () => drbot.app.runtime.store;
const health = () => backendHealth(backendPort);

beforeAll(async () => {
  if (!existsSync(UVICORN_BIN)) throw new Error(`${UVICORN_BIN} is missing: run scripts/install-e2e-deps.sh`);
  dir = mkdtempSync(join(tmpdir(), 'drbot-e2e-plan-'));
  backendPort = await freePort();
  for (const d of ['db', 'backup', 'logs', 'agent-state']) mkdirSync(path(d), { recursive: true });
  writeFileSync(path('db/routing.accdb'), ACE('today'));
  writeFileSync(path(`backup/${older.name}`), ACE('two days ago'));
  utimesSync(path(`backup/${older.name}`), older.at / 1000, older.at / 1000);
  writeFileSync(path('logs/backend.log'), '');

  ({ drbot } = await startDrbotForAgentProcess(dir, { console: true, output: new Writable({ write: (_chunk, _enc, done) => done() }) }));
  agent = new HostAgent(dir, hostAgentConfig({ host: join(dir, 'host'), drbotPort: drbot.port!, backendPort }), () => drbot);
  await agent.start();
  await startUvicorn({ port: backendPort, cwd: FIXTURE, logFile: path('logs/backend.log'), env: { DRBOT_E2E_ACCESS_DB: path('db/routing.accdb') } });
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await killUvicornsOn(backendPort);
  await drbot?.stop(5_000);
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('a plan on real parts', () => {
  it('shows the backup the restore would use; a newer backup lands, so the approved plan is refused with what changed and nothing is restored; the new plan approved restores it, verified and healthy', async () => {
    // The Access file is damaged: the backend's health check fails.
    writeFileSync(path('db/routing.accdb'), Buffer.alloc(4096, 0x41));
    expect(await health()).toBe(503);
    await say('/incident open type2 full routing DB unreadable', 'Kim DevOps');
    const [incident] = await store().incidents.list(['open']);
    const id = incident!.id;

    // The plan, from the real agent on the real files.
    const shown = await say('/incident plan 6');
    expect(shown.reply.private).toBe(true);
    expect(shown.text).toContain(`access_db ← ${path(`backup/${older.name}`)}`);
    expect(shown.text).toContain(`backup size: ${statSync(path(`backup/${older.name}`)).size} bytes`);
    expect(shown.text).toContain(`backup modified: ${new Date(older.at).toISOString().replace(/\.\d+Z$/, 'Z')}`);
    expect(shown.text).toContain('backup age: 50 h old — past the RPO goal (24 h), within the limit (72 h)');
    expect(shown.text).toContain(`live file: ${path('db/routing.accdb')} (4096 bytes`);
    expect(shown.text).toContain(`${older.name} (50 h old)\n      → /incident plan ${id} restore-db-from-yesterday ${older.name}`);
    const approveShown = new RegExp(`/incident approve ${id} restore-db-from-yesterday plan:[0-9a-f]{12}`).exec(shown.text)![0];

    // A newer backup lands (the nightly job ran late) before the approval.
    writeFileSync(path(`backup/${newer.name}`), ACE('yesterday'));
    utimesSync(path(`backup/${newer.name}`), newer.at / 1000, newer.at / 1000);
    const refused = await say(approveShown);
    expect(refused.reply.refused).toBe(true);
    expect(refused.text).toContain('restore-db-from-yesterday: the backup and the newest backup changed since the plan you approved was shown — approve again. Nothing ran.');
    expect(refused.text).toContain(`backup: ${path(`backup/${older.name}`)} → ${path(`backup/${newer.name}`)}`);
    expect(refused.text).toMatch(new RegExp(`newest backup: ${older.name} \\([^)]+\\) → ${newer.name} \\([^)]+\\)`));
    expect(readFileSync(path('db/routing.accdb'))).toEqual(Buffer.alloc(4096, 0x41));
    expect(await store().incidents.approvals(id)).toEqual([]);
    expect(await store().incidents.stepRuns(id).then((runs) => runs.filter((r) => r.stepId === 'restore-db-from-yesterday'))).toEqual([]);
    expect(await health()).toBe(503);

    // Approving the plan as it is now restores the newer backup; the agent verifies the copy, the health check passes.
    const approveNew = new RegExp(`/incident approve ${id} restore-db-from-yesterday plan:[0-9a-f]{12}`).exec(refused.text)![0];
    expect(approveNew).not.toBe(approveShown);
    const ran = await say(approveNew);
    expect(ran.text).toContain(`Plan (${approveNew.slice(-12)}): access_db ← ${path(`backup/${newer.name}`)}`);
    expect(ran.text).toMatch(new RegExp(`access_db restored from ${path(`backup/${newer.name}`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}; sha256 [0-9a-f]{16}… verified`));
    expect(readFileSync(path('db/routing.accdb'))).toEqual(ACE('yesterday'));
    const run = (await store().incidents.stepRuns(id)).find((r) => r.stepId === 'restore-db-from-yesterday')!;
    expect(run.status).toBe('ok');
    expect((await store().incidents.approvals(id))[0]!.plan).toMatchObject({ target: `access_db ← ${path(`backup/${newer.name}`)}` });
    expect(await health()).toBe(200);
    await until('the health check to pass', async () => (await store().incidents.checklist(id)).some((t) => t.itemId === 'health-check-passed'));
    // The timeline tells it: the plans shown, the refusal's new plan, the approval of the plan, the run.
    const timeline = (await store().incidents.timeline(id)).map((e) => e.text);
    expect(timeline).toContainEqual(`plan restore-db-from-yesterday: access_db ← ${path(`backup/${older.name}`)}`);
    expect(timeline).toContainEqual(`plan restore-db-from-yesterday: access_db ← ${path(`backup/${newer.name}`)}`);
    await say(`/incident resolve ${id} restored from the newer backup`, 'Kim DevOps');
  }, 180_000);

  it('an approval given while the agent is down is recorded as one without a plan; with the agent back, run shows the plan and restores nothing until that plan is approved', async () => {
    writeFileSync(path('db/routing.accdb'), Buffer.alloc(4096, 0x42));
    await say('/incident open type2 full routing DB unreadable again', 'Kim DevOps');
    const [incident] = await store().incidents.list(['open']);
    const id = incident!.id;

    await agent.kill();
    const blind = await say(`/incident approve ${id} 6`);
    expect(blind.text).toContain('Approved without a plan: the agent for routing-ml is offline, so nobody has seen what this step will change');
    expect((await store().incidents.timeline(id)).map((e) => e.text)).toContainEqual(expect.stringContaining('approved: restore-db-from-yesterday — approved without a plan (agent offline)'));

    await agent.start();
    const run = await say(`/incident run ${id} 6`);
    expect(run.text).toContain('restore-db-from-yesterday: not run — it was approved without a plan while the agent was offline, so nobody saw what it would change');
    expect(run.text).toContain(`access_db ← ${path(`backup/${newer.name}`)}`);
    expect(readFileSync(path('db/routing.accdb'))).toEqual(Buffer.alloc(4096, 0x42));
    expect((await store().incidents.approvals(id)).map((a) => a.status)).toEqual(['expired']);

    const approve = new RegExp(`/incident approve ${id} restore-db-from-yesterday plan:[0-9a-f]{12}`).exec(run.text)![0];
    const ran = await say(approve);
    expect(ran.text).toContain('verified');
    expect(readFileSync(path('db/routing.accdb'))).toEqual(ACE('yesterday'));
    expect(await health()).toBe(200);
  }, 180_000);
});
