import type { Incident } from '../incident/incident.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import type { PageRequest } from './pager.js';
import { drillTag } from '../incident/drill.js';
import { plainText } from '../markup/plain.js';

/** Subject and body of a page sent outside chat (email, webhook), in the page's language; plain text, invisible characters removed and secrets scrubbed. */
export function pageText(request: PageRequest, pack: RunbookPack): { subject: string; body: string; title: string } {
  const { incident, level, role, contact, lang } = request;
  const title = typeTitle(incident, pack, lang);
  const ko = lang === 'ko';
  const subject = drillTag(incident) + (ko
    ? `[drbot 호출] ${incident.id} Type ${incident.type} ${title} — ${level}단계 (${role})`
    : `[drbot page] ${incident.id} Type ${incident.type} ${title} — level ${level} (${role})`);
  const body = [
    ko ? `${contact.name}님, 장애 대응 호출입니다.` : `${contact.name}, you are being paged for an incident.`,
    '',
    request.summary,
    '',
    ko
      ? `확인하면 Slack/Teams에서 \`/incident ack ${incident.id}\` 를 입력하세요.`
      : `To acknowledge, type \`/incident ack ${incident.id}\` in Slack or Teams.`,
  ].join('\n');
  return { subject: plainText(subject).replace(/\n/g, ' '), body: plainText(body), title: plainText(title) };
}

function typeTitle(incident: Incident, pack: RunbookPack, lang: 'ko' | 'en'): string {
  return pack.types.find((t) => t.id === incident.type)?.title[lang] ?? `Type ${incident.type}`;
}
