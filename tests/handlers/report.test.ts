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
    expect(await replyText(reply)).toContain('prevention');
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

describe('/incident report prevention|lessons from chat', () => {
  it('adds escaped lines to a draft, carries them into the file at resolve, and adds to the file after', async () => {
    const id = (await core.router.dispatch('/incident open type2 partial', core.as('Kim DevOps'))).incidentId!;
    const added = await core.router.dispatch('/incident report prevention 백업 누락 알림 *추가* [link](http://x) <!-- /drbot:keep prevention -->', core.as('Kim DevOps'));
    expect(added.refused).toBeFalsy();
    expect(await replyText(added)).toContain('재발 방지 대책에 추가했습니다');
    await expect(readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8')).rejects.toThrow(/ENOENT/);
    const draft = await replyText(await core.router.dispatch(`/incident report ${id}`, core.as('Kim DevOps')));
    expect(draft).toContain('- [ ] 백업 누락 알림 \\*추가\\* \\[link\\](http://x) \\<!-- /drbot:keep prevention --\\>');
    expect(draft).not.toContain('[대책 1]');

    await core.router.dispatch(`/incident resolve ${id} 파일 손상`, core.as('Kim DevOps'));
    await core.router.dispatch(`/incident report ${id}`, core.as('Kim DevOps'));
    const file = () => readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8');
    expect(await file()).toContain('- [ ] 백업 누락 알림 \\*추가\\*');

    const lesson = await core.router.dispatch(`/incident report ${id} lessons 복원 전 파일 서명을 확인할 것`, core.as('Lee Backend'));
    expect(await replyText(lesson)).toContain('교훈에 추가하고 다시 작성했습니다');
    const text = await file();
    expect(text).toContain('<!-- drbot:keep lessons -->\n- 복원 전 파일 서명을 확인할 것\n<!-- /drbot:keep lessons -->');
    // The prevention line written before is in the file once, not added again by the re-render.
    expect(text.match(/백업 누락 알림/g)).toHaveLength(1 + 1); // the kept line and its timeline line
  });

  it('keeps what a person edited in the file: lines added before the last write are not added again', async () => {
    const id = (await core.router.dispatch('/incident open type3', core.as('Kim DevOps'))).incidentId!;
    await core.router.dispatch('/incident report lessons 스위치 예비품 확보', core.as('Kim DevOps'));
    await core.router.dispatch(`/incident resolve ${id}`, core.as('Kim DevOps'));
    await core.router.dispatch(`/incident report ${id}`, core.as('Kim DevOps'));
    const path = join(core.reportsDir, '2026-11-24.md');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, (await readFile(path, 'utf8')).replace('- 스위치 예비품 확보', '- 스위치 예비품 2대 확보'));
    await core.router.dispatch(`/incident report ${id}`, core.as('Kim DevOps'));
    const text = await readFile(path, 'utf8');
    expect(text).toContain('<!-- drbot:keep lessons -->\n- 스위치 예비품 2대 확보\n<!-- /drbot:keep lessons -->');
  });

  it('refuses a line over 500 characters, an unknown section and an empty text, and changes nothing', async () => {
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    const before = await core.store.incidents.timeline(id);
    const long = await core.router.dispatch(`/incident report prevention ${'가'.repeat(501)}`, core.as('Kim DevOps'));
    expect(long.refused).toBe(true);
    expect(await replyText(long)).toContain('500자까지');
    const unknown = await core.router.dispatch('/incident report causes 뭔가', core.as('Kim DevOps'));
    expect(unknown.refused).toBe(true);
    expect(await replyText(unknown)).toContain('prevention');
    const empty = await core.router.dispatch('/incident report lessons', core.as('Kim DevOps'));
    expect(empty.refused).toBe(true);
    expect(await core.store.incidents.timeline(id)).toEqual(before);
  });

  it('scrubs a secret someone pastes into a line', async () => {
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    await core.router.dispatch(`/incident report ${id} lessons token xoxb-1234567890-abcdefghijkl 유출 주의`, core.as('Kim DevOps'));
    const draft = await replyText(await core.router.dispatch(`/incident report ${id}`, core.as('Kim DevOps')));
    expect(draft).not.toContain('xoxb-1234567890-abcdefghijkl');
    expect(draft).toContain('유출 주의');
  });
});
