import type { Contact } from '../../src/contacts/contact-schema.js';
import type { ChatPageSender, PageRequest } from '../../src/notify/pager.js';
import type { View } from '../../src/views/view.js';
import { viewActivity } from './reply-activities.js';
import { NoTeamsConversationError, type TeamsConversations } from './teams-conversations.js';
import { translator } from '../../src/i18n/lang.js';
import { drillTag } from '../../src/incident/drill.js';

/** Pages a person in their personal chat with drbot on Teams, from the reference stored when they installed or messaged it. */
export class TeamsPageSender implements ChatPageSender {
  readonly platform = 'teams' as const;

  constructor(private readonly conversations: TeamsConversations) {}

  canReach(contact: Contact): boolean {
    return Boolean(contact.teams);
  }

  async send(request: PageRequest): Promise<void> {
    const { contact } = request;
    const reference = contact.teams ? await this.conversations.personal(contact.teams) : undefined;
    if (!reference) throw new NoTeamsConversationError(contact.name);
    request.signal?.throwIfAborted();
    await this.conversations.send({ reference }, [viewActivity(pageView(request))]);
  }
}

/** The page as a small card: who is paged for what, the summary, and buttons to acknowledge or see the incident. */
function pageView(request: PageRequest): View {
  const { incident, level, contact, summary, lang } = request;
  const t = translator(lang);
  const title = drillTag(incident) + t(`호출: ${incident.id} (에스컬레이션 ${level}단계)`, `Page: ${incident.id} (escalation level ${level})`);
  return {
    key: `page:${incident.id}:${level}:${contact.name}`,
    header: { title, emoji: '📟', colour: '#d32f2f' },
    summary: `${title} — ${summary.split('\n')[0]}`,
    blocks: [
      { type: 'text', text: summary },
      {
        type: 'actions',
        actions: [
          { label: t('확인(Ack)', 'Acknowledge'), command: `/incident ack ${incident.id}`, style: 'primary' },
          { label: t('상황 보기', 'Show status'), command: `/incident status ${incident.id}` },
        ],
      },
    ],
  };
}
