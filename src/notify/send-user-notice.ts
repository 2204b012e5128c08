import type { Actor } from '../app/actor.js';
import type { Core } from '../app/core.js';
import type { Incident } from '../incident/incident.js';
import type { IncidentService } from '../incident/incident-service.js';
import { ok, refuse, type Outcome } from '../incident/outcome.js';
import type { NoticeDelivery, NoticeKind, UserNotice } from './notice-channel.js';
import { composeUserNotice } from './user-notice.js';
import { DRILL_TAG } from '../incident/drill.js';
import { translator } from '../i18n/lang.js';

/** The checklist item each notice ticks. */
export const NOTICE_CHECKLIST_ITEM: Record<NoticeKind, string> = { outage: 'user-notice', recovered: 'user-notice-recovered' };

/** What posting a notice did. */
export interface SentUserNotice {
  notice: UserNotice;
  deliveries: NoticeDelivery[];
  /** True when at least one channel took it (and so the checklist item is ticked). */
  delivered: boolean;
  /** A drill's notice: composed and shown, never sent to users (the item is ticked as rehearsed). */
  rehearsed?: boolean;
}

/**
 * Posts the outage or recovery notice to every user-facing channel, records where it went on the
 * timeline, and ticks the matching checklist item when at least one channel delivered it.
 * An outage notice needs an open incident, a recovery notice a resolved one.
 */
export async function sendUserNotice(
  core: Core,
  incidents: IncidentService,
  incident: Incident,
  actor: Actor,
  kind: NoticeKind,
  text: string,
): Promise<Outcome<SentUserNotice>> {
  const t = translator(core.lang);
  if (kind === 'outage' && incident.status !== 'open') {
    return refuse(`${incident.id}은(는) 진행 중이 아닙니다 (${incident.status}). 복구 안내는 \`recovered\`를 쓰세요.`, `${incident.id} is not open (${incident.status}); for the recovery notice use \`recovered\`.`);
  }
  if (kind === 'recovered' && incident.status !== 'resolved' && incident.status !== 'closed') {
    return refuse(
      `${incident.id}은(는) 아직 복구 처리되지 않았습니다 (${incident.status}). 먼저 \`/incident resolve ${incident.id} <원인>\`을 입력하세요.`,
      `${incident.id} is not resolved yet (${incident.status}). First \`/incident resolve ${incident.id} <cause>\`.`,
    );
  }
  const notice = composeUserNotice({ incident, kind, text, pack: core.pack, lang: core.lang, timeZone: core.timeZone });
  if (incident.drill) {
    // A drill never reaches users: the notice is rehearsed (shown to whoever asked) and the item ticked.
    const label = kind === 'outage' ? t('장애', 'outage') : t('복구', 'recovered');
    await incidents.record(incident, actor, 'notice', t(`${DRILL_TAG} 사용자 알림(${label}) 연습: 사용자에게 보내지 않음`, `${DRILL_TAG} user notice (${label}) rehearsed: not sent to users`), { kind, delivered: false, rehearsed: true });
    await incidents.tick(incident, actor, NOTICE_CHECKLIST_ITEM[kind]);
    return ok({ notice, deliveries: [], delivered: false, rehearsed: true });
  }
  if (!core.notices.channels().length) {
    return refuse(
      `사용자 알림 채널이 설정되지 않았습니다 (config notices.slackChannels / teamsConversations / emails, 이메일은 SMTP_URL 필요). 아래 안내문을 직접 게시한 뒤 \`/incident check ${incident.id} ${NOTICE_CHECKLIST_ITEM[kind]}\`로 체크하세요.\n\n${notice.text}`,
      `No user-facing notice channel is set up (config notices.slackChannels / teamsConversations / emails; email needs SMTP_URL). Post the text below yourself, then \`/incident check ${incident.id} ${NOTICE_CHECKLIST_ITEM[kind]}\`.\n\n${notice.text}`,
    );
  }
  const deliveries = await core.notices.post(notice);
  const delivered = deliveries.some((d) => d.ok);
  const label = kind === 'outage' ? t('장애', 'outage') : t('복구', 'recovered');
  const where = deliveries.map((d) => `${d.ok ? '✅' : '❌'} ${d.channel}: ${d.detail}`).join('; ');
  await incidents.record(
    incident,
    actor,
    'notice',
    delivered ? t(`사용자 알림(${label}) 게시: ${where}`, `user notice (${label}) posted: ${where}`) : t(`사용자 알림(${label}) 실패: ${where}`, `user notice (${label}) failed: ${where}`),
    { kind, delivered, deliveries: deliveries.map((d) => ({ ...d })) },
  );
  if (delivered) await incidents.tick(incident, actor, NOTICE_CHECKLIST_ITEM[kind]);
  return ok({ notice, deliveries, delivered });
}
