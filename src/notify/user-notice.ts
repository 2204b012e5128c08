import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import type { Lang } from '../i18n/lang.js';
import type { ImpactScope, Incident } from '../incident/incident.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import type { NoticeKind, UserNotice } from './notice-channel.js';
import { drillTag } from '../incident/drill.js';

const SCOPE: Record<ImpactScope, { ko: string; en: string }> = {
  full: { ko: '전체', en: 'the whole service' },
  partial: { ko: '부분', en: 'part of the service' },
  feature: { ko: '특정 기능', en: 'one feature' },
};

/**
 * Writes the notice users get, in the configured language: what is affected and since when
 * (outage), or when it came back and how long it was down (recovered), plus the sender's own words.
 */
export function composeUserNotice(input: { incident: Incident; kind: NoticeKind; text: string; pack: RunbookPack; lang: Lang; timeZone: string }): UserNotice {
  const { incident, kind, pack, lang, timeZone } = input;
  const ko = lang === 'ko';
  const service = serviceName(pack, lang);
  const title = pack.types.find((t) => t.id === incident.type)?.title[lang] ?? `Type ${incident.type}`;
  const at = (ms: number) => `${formatTime(ms, timeZone)} (${timeZone})`;
  const extra = input.text.trim();
  const lines: string[] = [];
  let subject: string;
  if (kind === 'outage') {
    subject = drillTag(incident) + (ko ? `[장애 안내] ${service}: ${title}` : `[Outage] ${service}: ${title}`);
    lines.push(
      ko ? `${service}에 장애가 발생해 복구 중입니다.` : `${service} is having an outage; we are working on it.`,
      '',
      `- ${ko ? '장애 내용' : 'What'}: ${title}`,
      `- ${ko ? '발생 시각' : 'Since'}: ${at(incident.openedAt)}`,
      `- ${ko ? '영향 범위' : 'Affected'}: ${SCOPE[incident.scope][lang]}`,
      `- ${ko ? '인시던트' : 'Incident'}: ${incident.id}`,
    );
    if (extra) lines.push('', extra);
    lines.push('', ko ? '복구되면 다시 안내드리겠습니다. 이용에 불편을 드려 죄송합니다.' : 'We will tell you when it is back. Sorry for the trouble.');
  } else {
    const end = incident.resolvedAt ?? incident.openedAt;
    subject = drillTag(incident) + (ko ? `[복구 안내] ${service}: ${title}` : `[Recovered] ${service}: ${title}`);
    lines.push(
      ko ? `${service} 장애가 복구되었습니다.` : `${service} is working again.`,
      '',
      `- ${ko ? '장애 내용' : 'What'}: ${title}`,
      `- ${ko ? '발생 시각' : 'Started'}: ${at(incident.openedAt)}`,
      `- ${ko ? '복구 시각' : 'Recovered'}: ${at(end)}`,
      `- ${ko ? '다운타임' : 'Downtime'}: ${formatDuration(end - incident.openedAt, lang)}`,
      `- ${ko ? '인시던트' : 'Incident'}: ${incident.id}`,
    );
    if (extra) lines.push('', extra);
    lines.push('', ko ? '이용에 불편을 드려 죄송합니다. 문제가 계속되면 DevOps 팀에 알려 주세요.' : 'Sorry for the trouble. If anything still looks wrong, tell the DevOps team.');
  }
  const text = lines.join('\n');
  return {
    kind,
    incidentId: incident.id,
    lang,
    subject,
    text,
    view: {
      key: `notice:${incident.id}:${kind}`,
      header: { title: subject, emoji: kind === 'outage' ? '🚨' : '✅', colour: kind === 'outage' ? '#E01E5A' : '#2EB67D' },
      blocks: [{ type: 'text', text: lines.join('\n') }],
      summary: subject,
    },
  };
}

/** The service users know, from the pack's title: the part in parentheses ("… (Routing ML)"), else the whole title. */
function serviceName(pack: RunbookPack, lang: Lang): string {
  return /\(([^)]+)\)\s*$/.exec(pack.title.en)?.[1] ?? pack.title[lang];
}
