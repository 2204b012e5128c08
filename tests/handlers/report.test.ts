import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { anIncidentId } from '../support/an-incident.js';

let core: TestRuntime;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drbot-report-handler-'));
  core = await buildTestRuntime({ lang: 'ko', reportsDir: join(dir, 'reports') });
});
afterEach(async () => {
  await core.close();
  await rm(dir, { recursive: true, force: true });
});

describe('/incident report', () => {
  it('shows a draft for an open incident and writes no file', async () => {
    const opened = await core.router.dispatch('/incident open type2 partial', core.as('Kim DevOps'));
    const reply = await core.router.dispatch(`/incident report ${opened.incidentId}`, core.as('Kim DevOps'));
    expect(await replyText(reply)).toContain('초안');
    expect(await replyText(reply)).toContain('- **복구 시각**: — (복구 전)');
    await expect(readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('refuses a cancelled incident and changes nothing', async () => {
    const opened = await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    await core.router.dispatch(`/incident cancel ${opened.incidentId} 오탐`, core.as('Kim DevOps'));
    const before = await core.store.incidents.timeline(opened.incidentId!);
    const reply = await core.router.dispatch(`/incident report ${opened.incidentId}`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await core.store.incidents.timeline(opened.incidentId!)).toEqual(before);
  });

  it('rejects extra words with the usage line', async () => {
    const reply = await core.router.dispatch(`/incident report ${anIncidentId(1)} please`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('/incident report [id]');
  });
});

describe('/incident report on a resolved incident', () => {
  it('writes the report, replies with its Markdown, and with no id picks the one resolved incident', async () => {
    const id = (await core.router.dispatch('/incident open type3 full', core.as('Kim DevOps'))).incidentId!;
    await core.clock.advance(45 * 60_000);
    await core.router.dispatch(`/incident resolve ${id} 스위치 교체`, core.as('Choi Network'));
    const reply = await core.router.dispatch('/incident report', core.as('Choi Network'));
    expect(reply.refused).toBeFalsy();
    expect(reply.incidentId).toBe(id);
    const text = await replyText(reply);
    expect(text).toContain('사후 보고서를 작성했습니다');
    expect(text).toContain('# Incident Report: 2026-11-24');
    expect(text).toContain('- **다운타임**: 45분');
    const file = await readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8');
    expect(file).toContain('스위치 교체');
    expect((await core.store.incidents.checklist(id)).map((t) => t.itemId)).toContain('report-written');
  });
});
