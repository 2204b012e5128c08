import { afterEach, describe, expect, it } from '@jest/globals';
import { ContactDirectory } from '../../src/contacts/contact-directory.js';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { incidentCard } from '../../src/views/incident-card.js';
import { renderText } from '../../src/views/render-text.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
afterEach(() => core?.close());

const contacts = {
  reviewed: '2026-11-26',
  contacts: [
    { name: 'Kim DevOps', roles: ['devops' as const], slack: 'U0DEVOPS01', available: 'always' as const },
    { name: 'Choi Network', roles: ['it_support' as const], phone: '010-1234-5678', email: 'helpdesk@example.com', available: 'always' as const },
    { name: 'Han Helpdesk', roles: ['it_support' as const], phone: '02-555-0100', available: 'always' as const },
    { name: 'Jung CTO', roles: ['cto' as const], available: 'always' as const },
  ],
};

async function type3Card(lang: 'ko' | 'en', detail: 'full' | 'compact') {
  core = await buildTestRuntime({ lang, contacts: contacts as never });
  const id = (await core.router.dispatch('/incident open type3', core.as('Kim DevOps'))).incidentId!;
  return renderText(incidentCard(await loadIncidentSnapshot(core, (await core.store.incidents.get(id))!), core.pack, lang, detail));
}

describe('"contact the IT team" names the IT contacts', () => {
  it('the full card lists the it_support people with phone and email instead of the document placeholders', async () => {
    const text = await type3Card('ko', 'full');
    expect(text).toContain('연락처 (우선순위 긴급): Choi Network ☎ 010-1234-5678 ✉ helpdesk@example.com; Han Helpdesk ☎ 02-555-0100');
    expect(text).not.toContain('[네트워크 관리자]');
    expect(text).not.toContain('[IT 헬프데스크]');
  });

  it('/incident status (what chat shows for the full runbook) names them too', async () => {
    core = await buildTestRuntime({ lang: 'en', contacts: contacts as never });
    await core.router.dispatch('/incident open type3', core.as('Kim DevOps'));
    const text = await replyText(await core.router.dispatch('/incident status', core.as('Kim DevOps')));
    expect(text).toContain('Contacts (priority urgent): Choi Network ☎ 010-1234-5678 ✉ helpdesk@example.com; Han Helpdesk ☎ 02-555-0100');
  });

  it('a contact directory of its own names its own people with the same pack (nothing made from one list serves another)', async () => {
    core = await buildTestRuntime({ lang: 'en', contacts: contacts as never });
    const id = (await core.router.dispatch('/incident open type3', core.as('Kim DevOps'))).incidentId!;
    const incident = (await core.store.incidents.get(id))!;
    const card = async (c: TestRuntime) => renderText(incidentCard(await loadIncidentSnapshot(c, incident), c.pack, 'en', 'full'));
    expect(await card(core)).toContain('Contacts (priority urgent): Choi Network ☎ 010-1234-5678');
    const others = { ...contacts, contacts: [contacts.contacts[0]!, { name: 'Seo Support', roles: ['it_support' as const], phone: '02-555-0199', available: 'always' as const }, contacts.contacts[3]!] };
    const text = await card({ ...core, contacts: new ContactDirectory(others as never, 'Asia/Seoul') } as TestRuntime);
    expect(text).toContain('Contacts (priority urgent): Seo Support ☎ 02-555-0199');
    expect(text).not.toContain('Choi Network');
  });
});
