import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { drillReportsDir } from '../../src/report/incident-report-writer.js';
import { accessFileWithRows, startDrillHost, type HostRuntime } from '../support/host-runtime.js';

let drill: HostRuntime | undefined;
afterEach(async () => {
  await drill?.close();
  drill = undefined;
});

async function setUp(faults: Record<string, string[]> | undefined) {
  drill = await startDrillHost({ faults });
  return drill;
}

describe('fault injection in a drill', () => {
  it('corrupts the Access file on approval, lets the drill restore yesterday’s backup, and drill end puts the real file back and says so', async () => {
    const { core, agent, host, send } = await setUp({ corrupt_file: ['access_db'] });
    const id = (await send('/incident drill type2')).reply.incidentId!;
    const inject = await send(`/incident approve ${id} fault-corrupt-file-access-db`);
    expect(inject.text).toContain('[DRILL] fault injected');
    expect(agent.requests.find((r) => r.action === 'drill_fault')).toMatchObject({ drill: true, incidentId: id, params: { fault: 'corrupt_file', target: 'access-db' } });
    expect(readFileSync(host.path('db/routing.accdb')).includes('Standard ACE DB')).toBe(false);
    // Injecting is not recovering: no health check, no recovery tick.
    expect((await core.store.incidents.checklist(id)).map((t) => t.itemId)).not.toContain('recovery-executed');

    const restore = await send(`/incident approve ${id} restore-db-from-yesterday`);
    expect(restore.text).toContain('restored from');
    expect(readFileSync(host.path('db/routing.accdb')).includes('rows of yesterday')).toBe(true);
    // The damaged file the restore replaced is kept aside.
    const kept = readdirSync(host.path('db')).filter((n) => n.includes('.before-'));
    expect(kept).toHaveLength(1);

    const end = await send(`/incident drill end ${id}`);
    expect(end.text).toContain(`[DRILL] Drill ${id} ended.`);
    expect(end.text).toContain('access_db: the pre-drill file put back');
    expect(readFileSync(host.path('db/routing.accdb')).includes('rows of today')).toBe(true);
    expect((await core.store.incidents.get(id))!.status).toBe('resolved');
    const timeline = (await core.store.incidents.timeline(id)).map((e) => e.text);
    expect(timeline).toContainEqual(expect.stringMatching(/^↩ \[DRILL\] undone: access_db/));

    // The drill report beside the incident reports, not among them.
    const report = readFileSync(join(drillReportsDir(core.reportsDir), '2026-11-24-type2.md'), 'utf8');
    expect(existsSync(join(core.reportsDir, '2026-11-24.md'))).toBe(false);
    expect(report).toContain('# [DRILL] Disaster-recovery drill report: 2026-11-24 Type 2');
    expect(report).toContain('- **Participants**: Kim DevOps');
    expect(report).toMatch(/\| first diagnostics \| 0 min \|/);
    expect(report).toMatch(/\| first approval \| 0 min \|/);
    expect(report).toMatch(/\| health check passed \| never \|/);
    expect(report).toMatch(/\| fault-corrupt-file-access-db \(injected fault\) \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).toMatch(/\| restore-db-from-yesterday \| .* \| ✅ ok \| Kim DevOps \|/);
    expect(report).toContain('- **RTO**: goal of 4 h 0 min met');
    expect(report).toContain('## What failed');
    expect(report.slice(report.indexOf('## Faults undone'))).toContain('undone: access\\_db: the pre-drill file put back');
    // Wherever a report is shown (here /incident report; Slack and Teams on close), a drill shows its drill report.
    expect((await send(`/incident report ${id}`)).text).toContain('Disaster-recovery drill report');
  });

  it('resolving a drill with /incident resolve undoes its faults too', async () => {
    const { host, send } = await setUp({ corrupt_file: ['access_db'] });
    const id = (await send('/incident drill type2')).reply.incidentId!;
    await send(`/incident approve ${id} fault-corrupt-file-access-db`);
    await send(`/incident resolve ${id} rehearsal over`);
    expect(readFileSync(host.path('db/routing.accdb'))).toEqual(accessFileWithRows('today'));
    expect(readdirSync(host.path('db'))).toEqual(['routing.accdb']);
  });

  it('/incident resolve keeps a drill open, like drill end, when a fault cannot be undone, and says which and why', async () => {
    const { core, host, send } = await setUp({ corrupt_file: ['access_db'] });
    const id = (await send('/incident drill type2')).reply.incidentId!;
    await send(`/incident approve ${id} fault-corrupt-file-access-db`);
    // Something on the host stands where the file was: the agent cannot put the real one back.
    const { rmSync, mkdirSync } = await import('node:fs');
    rmSync(host.path('db/routing.accdb'));
    mkdirSync(host.path('db/routing.accdb/in-the-way'), { recursive: true });
    const refused = await send(`/incident resolve ${id} rehearsal over`);
    expect(refused.reply.refused).toBe(true);
    expect(refused.text).toContain('NOT undone: corrupt_file access_db');
    expect(refused.text).toContain(`Drill ${id} stays open`);
    expect((await core.store.incidents.get(id))!.status).toBe('open');
    expect(existsSync(join(drillReportsDir(core.reportsDir), '2026-11-24-type2.md'))).toBe(false);
    // Once the way is clear, resolving undoes the fault and resolves.
    rmSync(host.path('db/routing.accdb'), { recursive: true });
    const resolved = await send(`/incident resolve ${id} rehearsal over`);
    expect(resolved.reply.refused).toBeFalsy();
    expect(resolved.text).toContain(`${id} resolved.`);
    // Like drill end, the reply says what it put back.
    expect(resolved.text).toContain('[DRILL] undone: access_db: the damaged file removed, the real one put back');
    expect((await core.store.incidents.get(id))!.status).toBe('resolved');
    expect(readFileSync(host.path('db/routing.accdb'))).toEqual(accessFileWithRows('today'));
  });

  it('the after-recovery checklist of a drill names the drill report written, not the post-incident report path', async () => {
    const { core, send } = await setUp(undefined);
    const id = (await send('/incident drill type2')).reply.incidentId!;
    const before = await send(`/incident status ${id}`);
    expect(before.text).toMatch(/report-written — Drill report written: `drill_reports\/YYYY-MM-DD-type2\.md`/);
    await send(`/incident drill end ${id}`);
    const ticked = (await core.store.incidents.timeline(id)).filter((e) => e.kind === 'checklist' && e.data?.item === 'report-written').map((e) => e.text);
    expect(ticked).toHaveLength(1);
    expect(ticked[0]).toMatch(/^☑ Drill report written: `\S*drill_reports\/2026-11-24-type2\.md`$/);
    expect(ticked[0]).not.toContain('incident_reports');
    const after = await send(`/incident status ${id}`);
    expect(after.text).toMatch(/report-written — Drill report written: `\S*drill_reports\/2026-11-24-type2\.md`/);
    expect(after.text).not.toContain('Post-incident report written');
    // A real incident keeps the pack's wording.
    const real = (await send('/incident open type2')).reply.incidentId!;
    expect((await send(`/incident status ${real}`)).text).toContain('Post-incident report written: `docs/incident_reports/YYYY-MM-DD.md`');
  });

  it('refuses a fault in a real incident (drbot) and on an agent without drill.faults (agent); nothing changes', async () => {
    const { agent, host, send } = await setUp(undefined);
    const real = (await send('/incident open type2')).reply.incidentId!;
    const r = await send(`/incident approve ${real} fault-corrupt-file-access-db`);
    expect(r.reply.refused).toBe(true);
    expect(r.text).toContain('is not a drill: faults are injected only in a drill');
    expect(agent.requests.some((q) => q.action === 'drill_fault')).toBe(false);
    const id = (await send('/incident drill type2')).reply.incidentId!;
    const refused = await send(`/incident approve ${id} fault-corrupt-file-access-db`);
    expect(refused.text).toContain('this agent accepts no drill faults (agent.yaml has no drill.faults)');
    expect(readFileSync(host.path('db/routing.accdb'))).toEqual(accessFileWithRows('today'));
    expect(existsSync(host.path('state/drill-faults.json'))).toBe(false);
  });
});
