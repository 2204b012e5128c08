/** The monthly 문서 업데이트 item (procedure-review): the committed document against the rendering of the pack and contacts. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContactsFile } from '../../src/contacts/contact-schema.js';
import { renderProcedure } from '../../src/runbook/render-procedure.js';
import { replyViews } from '../../src/views/view.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drbot-procedure-doc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => core?.close());

async function item() {
  const views = await replyViews(await core!.router.dispatch('/incident checks run monthly', core!.as('Kim DevOps')));
  const list = views[0]!.blocks.find((b) => b.type === 'list');
  return list && list.type === 'list' ? list.items.find((i) => i.text.includes('(procedure-review)')) : undefined;
}

/** A runtime whose committed document is `name` in the test directory, written as the current rendering (then `edit`ed). */
async function withDocument(name: string, edit: (doc: string) => string = (d) => d, contacts?: ContactsFile) {
  const path = join(dir, name);
  core = await buildTestRuntime({ procedureDocument: { path, lang: 'ko' } });
  writeFileSync(path, edit(renderProcedure(core.pack, core.contacts.all(), 'ko')));
  if (contacts) {
    await core.close();
    core = await buildTestRuntime({ procedureDocument: { path, lang: 'ko' }, contacts });
  }
  return path;
}

describe('monthly 문서 업데이트 (procedure-review)', () => {
  it('a document that matches the rendering still wants the monthly review by a person; marked done, it is ok', async () => {
    const path = await withDocument('same.md');
    const before = (await item())!;
    expect(before.mark).toBe('warn');
    expect(before.detail).toBe(`the procedure document ${path} matches the runbook pack and contacts; due this month (done by a person); when done: /incident checks done procedure-review <evidence>`);
    await core!.router.dispatch('/incident checks done procedure-review pack reviewed against the servers', core!.as('Kim DevOps'));
    const after = (await item())!;
    expect(after.mark).toBe('ok');
    expect(after.detail).toBe('done by Kim DevOps at 2026-11-24 10:00 (0 days ago): pack reviewed against the servers');
  });

  it('a document edited by hand warns with a short diff summary, even when the review was marked done', async () => {
    const path = await withDocument('edited.md', (d) => d.replace('docker compose down\n', '').replace('- 사내망 인프라', '- 사내망 인프라 (VPN 포함)'));
    await core!.router.dispatch('/incident checks done procedure-review reviewed', core!.as('Kim DevOps'));
    const drifted = (await item())!;
    expect(drifted.mark).toBe('warn');
    expect(drifted.detail).toBe(
      `${path} no longer matches the runbook pack and contacts: 2 lines missing ("- 사내망 인프라", "docker compose down"); 1 line not in the rendering ("- 사내망 인프라 (VPN 포함)"). write it again: drbot runbook render --lang ko --out ${path}`,
    );
    // Written again, it matches and the review marked done counts.
    writeFileSync(path, renderProcedure(core!.pack, core!.contacts.all(), 'ko'));
    expect((await item())!.mark).toBe('ok');
  });

  it('a changed contact list makes the committed document stale: the summary names the contact lines', async () => {
    const path = await withDocument('contacts.md', undefined, {
      contacts: [
        { name: 'Kim DevOps', roles: ['devops'], slack: 'U0DEVOPS01', email: 'kim.devops@example.com', phone: '+82-10-0000-0001', available: 'always', pageVia: ['chat'] },
        { name: 'Han Network', roles: ['it_support'], email: 'han@example.com', available: 'always', pageVia: ['chat'] },
      ],
    });
    const stale = (await item())!;
    expect(stale.mark).toBe('warn');
    expect(stale.detail).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} no longer matches the runbook pack and contacts: \\d+ lines missing \\("- 담당자: 네트워크 관리자 — Han Network", "- 연락처: han@example.com", `));
    expect(stale.detail).toContain('not in the rendering ("- 담당자: 네트워크 관리자 — Choi Network"');
    expect(readFileSync(path, 'utf8')).toContain('Choi Network');
  });

  it('no committed document: warn with the command that writes it', async () => {
    const path = join(dir, 'nowhere', 'procedure.md');
    core = await buildTestRuntime({ procedureDocument: { path, lang: 'ko' } });
    const missing = (await item())!;
    expect(missing.mark).toBe('warn');
    expect(missing.detail).toBe(`the procedure document ${path} does not exist. write it: drbot runbook render --lang ko --out ${path}`);
    expect(await replyText(await core.router.dispatch('/incident checks run monthly', core.as('Kim DevOps')))).toContain('Monthly check (1st of the month)');
  });
});
