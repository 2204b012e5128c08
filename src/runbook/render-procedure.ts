/**
 * The procedure document as Markdown, made from the runbook pack and the contact list
 * (`drbot runbook render`). The pack is the procedure's author's text and is trusted Markdown (its
 * symptoms and checklist items carry their own code spans); what comes from the contact list is
 * escaped (`markdownText`). Pure: the same pack, contacts and language give the same bytes, so the
 * monthly check can compare a committed copy with it.
 */
import type { Availability, Contact } from '../contacts/contact-schema.js';
import { translator, type Lang } from '../i18n/lang.js';
import { markdownCode, markdownText } from '../markup/markdown.js';
import type { ChecklistItem, FaultType, LadderRung, LocalizedText, Role, RunbookPack, Step } from './pack-schema.js';

/** The order the contact table lists roles in when the ladder does not name them all. */
const ROLE_ORDER: readonly Role[] = ['devops', 'backend', 'it_support', 'cto'];

interface Section {
  emoji?: string;
  title: string;
  body: string[];
}

/** Renders the whole procedure document. */
export function renderProcedure(pack: RunbookPack, contacts: readonly Contact[], lang: Lang): string {
  const t = translator(lang);
  const say = (text: LocalizedText) => text[lang];
  const doc = pack.document;
  const sections: Section[] = [
    ...(doc ? [{ title: t('개요', 'Overview'), body: overview(pack, lang) }] : []),
    { title: t('복구 목표', 'Recovery objectives'), body: objectives(pack, lang) },
    { title: t('장애 유형별 대응', 'Response by fault type'), body: pack.types.flatMap((type, i) => [...(i > 0 ? ['---', ''] : []), ...faultType(pack, type, contacts, lang)]) },
    { title: t('연락처', 'Contacts'), body: contactSection(pack, contacts, lang) },
    { title: t('복구 체크리스트', 'Recovery checklist'), body: checklists(pack, lang) },
    ...(doc ? [{ emoji: '📊', title: t('사후 보고서 템플릿', 'Post-incident report template'), body: [...markdownCode(say(doc.reportTemplate), 'markdown'), ''] }] : []),
    { emoji: '🔄', title: t('정기 점검 항목', 'Scheduled checks'), body: scheduled(pack, lang) },
    ...(doc ? [{ emoji: '📝', title: t('변경 이력', 'Change history'), body: changelog(pack, lang) }] : []),
  ];
  const heading = (s: Section) => (s.emoji ? `${s.emoji} ${s.title}` : s.title);
  const lines = [
    `<!-- ${t('drbot runbook render 로 만든 문서입니다. 고칠 때는 런북 팩과 config/contacts.yaml을 고치고 다시 만드세요.', 'Written by drbot runbook render: change the runbook pack and config/contacts.yaml, then render again.')} -->`,
    `# ${doc ? say(doc.title) : say(pack.title)}`,
    '',
    `**${t('문서 버전', 'Document version')}**: ${pack.version}`,
    ...(doc
      ? [`**${t('최종 업데이트', 'Last updated')}**: ${doc.updated}`, `**${t('담당자', 'Owner')}**: ${say(doc.owner)}`, `**${t('승인자', 'Approver')}**: ${say(doc.approver)}`]
      : []),
    '',
    '---',
    '',
    `## 📋 ${t('목차', 'Contents')}`,
    '',
    ...sections.map((s, i) => `${i + 1}. [${s.title}](#${slug(heading(s))})`),
    '',
    '---',
    '',
    ...sections.flatMap((s) => [`## ${heading(s)}`, '', ...s.body, '---', '']),
    `**${t('문서 종료', 'End of document')}**`,
    ...(doc && doc.closing.length > 0 ? ['', ...doc.closing.map((c) => `*${say(c)}*`)] : []),
  ];
  return lines.join('\n') + '\n';
}

/** GitHub's heading anchor: lower case, punctuation and symbols (emoji) dropped, spaces to dashes. */
export function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function overview(pack: RunbookPack, lang: Lang): string[] {
  const t = translator(lang);
  const doc = pack.document!;
  return [`### ${t('목적', 'Purpose')}`, doc.purpose[lang], '', `### ${t('적용 범위', 'Scope')}`, ...doc.scope.map((s) => `- ${s[lang]}`), ''];
}

function objectives(pack: RunbookPack, lang: Lang): string[] {
  const t = translator(lang);
  const note = (text: LocalizedText | undefined) => (text ? ` (${text[lang]})` : '');
  return [
    '### RTO (Recovery Time Objective)',
    `- **${t('목표', 'Goal')}**: ${t(`${minutes(pack.rto.goalMinutes, lang)} 이내`, `within ${minutes(pack.rto.goalMinutes, lang)}`)}${note(pack.rto.goalNote)}`,
    `- **${t('허용 가능', 'Acceptable')}**: ${minutes(pack.rto.limitMinutes, lang)}`,
    '',
    '### RPO (Recovery Point Objective)',
    `- **${t('목표', 'Goal')}**: ${minutes(pack.rpo.goalHours * 60, lang)}${note(pack.rpo.goalNote)}`,
    `- **${t('허용 가능', 'Acceptable')}**: ${minutes(pack.rpo.limitHours * 60, lang)}`,
    '',
  ];
}

/** `4시간` / `4 hours`, `90분` / `90 minutes`. */
function minutes(total: number, lang: Lang): string {
  const [n, unit] = total % 60 === 0 ? [total / 60, 'h'] : [total, 'min'];
  if (lang === 'ko') return `${n}${unit === 'h' ? '시간' : '분'}`;
  return `${n} ${unit === 'h' ? (n === 1 ? 'hour' : 'hours') : n === 1 ? 'minute' : 'minutes'}`;
}

function faultType(pack: RunbookPack, type: FaultType, contacts: readonly Contact[], lang: Lang): string[] {
  const t = translator(lang);
  const lines = [`### ${type.emoji} Type ${type.id}: ${type.title[lang]}`, '', `#### ${t('증상', 'Symptoms')}`, ...type.symptoms.map((s) => `- ${s[lang]}`), ''];
  lines.push(`#### ${t('원인 분석', 'Diagnosis')}`, ...codeBlock(type.diagnostics, lang, true), '');
  lines.push(`#### ${t('복구 절차', 'Recovery')}`, '');
  for (const stage of type.stages) {
    lines.push(`**${t('단계', 'Stage')} ${stage.stage}: ${stage.title[lang]}**`);
    const contactSteps = stage.steps.filter((s) => s.doc?.contact);
    const commandSteps = stage.steps.filter((s) => !s.doc?.contact);
    for (const step of contactSteps) lines.push(...contactStep(pack, step, contacts, lang));
    if (commandSteps.length > 0) lines.push(...codeBlock(commandSteps, lang, false));
    lines.push('');
  }
  const extra: [Step[], string][] = [
    [type.rollback, t('롤백 절차', 'Rollback')],
    [type.temporary, t('임시 조치', 'Temporary measure')],
    [type.portConflict, t('포트 충돌 해결', 'Port conflicts')],
  ];
  for (const [steps, title] of extra) if (steps.length > 0) lines.push(`#### ${title}`, ...codeBlock(steps, lang, false), '');
  return lines;
}

/**
 * Steps as one shell block: each group of steps in a row with the same heading under one comment
 * line (numbered in diagnostics), each command line once per group, notes after the commands.
 */
function codeBlock(steps: readonly Step[], lang: Lang, numbered: boolean): string[] {
  const groups: { heading: string | null; lines: string[] }[] = [];
  for (const step of steps) {
    const heading = step.doc?.heading === null ? null : (step.doc?.heading ?? step.title)[lang];
    let group = groups.at(-1);
    if (!group || group.heading === null || group.heading !== heading) groups.push((group = { heading, lines: [] }));
    for (const line of [...step.procedure, ...(step.doc?.notes ?? []).map((n) => `# ${n[lang]}`)]) if (!group.lines.includes(line)) group.lines.push(line);
  }
  const body = groups.map((g, i) => [...(g.heading === null ? [] : [`# ${numbered ? `${i + 1}. ` : ''}${g.heading}`]), ...g.lines].join('\n')).join('\n\n');
  return markdownCode(body, 'bash');
}

/** A step that is reaching people: who (from the contact list), how, and how urgent. */
function contactStep(pack: RunbookPack, step: Step, contacts: readonly Contact[], lang: Lang): string[] {
  const t = translator(lang);
  const { role, priority } = step.doc!.contact!;
  const people = contacts.filter((c) => c.roles.includes(role));
  const title = pack.document?.roles[role]?.title[lang];
  const who = people.length > 0 ? people.map((c) => markdownText(c.name)).join(', ') : t(`(연락처에 ${role} 역할이 없음)`, `(nobody on the contact list has the ${role} role)`);
  const how = people.map((c) => reach(c, lang)).filter((r) => r !== '');
  return [
    `- ${t('담당자', 'Owner')}: ${title ? `${title} — ` : ''}${who}`,
    `- ${t('연락처', 'Contact')}: ${how.length > 0 ? how.join('; ') : '—'}`,
    ...(priority ? [`- ${t('우선순위', 'Priority')}: ${priority[lang]}`] : []),
  ];
}

/** How to reach a person: phone, email, Slack and Teams ids, escaped. */
function reach(contact: Contact, lang: Lang): string {
  const t = translator(lang);
  const ways = [contact.phone, contact.email, contact.slack && `Slack ${contact.slack}`, contact.teams && `Teams ${contact.teams}`].filter((w): w is string => Boolean(w));
  return ways.length > 0 ? markdownText(ways.join(', ')) : t('(연락 수단 없음)', '(no way to reach them listed)');
}

function contactSection(pack: RunbookPack, contacts: readonly Contact[], lang: Lang): string[] {
  const t = translator(lang);
  const roles = [...new Set<Role>([...pack.ladder.map((r) => r.role), ...ROLE_ORDER])];
  const header = [t('역할', 'Role'), t('이름', 'Name'), t('연락처', 'Contact'), t('비고', 'Notes')];
  const rows: string[][] = [];
  for (const role of roles) {
    const info = pack.document?.roles[role];
    const label = `**${info ? info.label[lang] : role}**`;
    const people = contacts.filter((c) => c.roles.includes(role));
    if (people.length === 0 && !info) continue;
    if (people.length === 0) rows.push([label, info!.title[lang], t('(연락처에 없음)', '(not on the contact list)'), info!.note?.[lang] ?? '']);
    for (const person of people) {
      const name = info ? `${markdownText(person.name)} (${info.title[lang]})` : markdownText(person.name);
      const notes = [available(person.available, lang), info?.note?.[lang]].filter(Boolean).join(', ');
      rows.push([label, name, reach(person, lang), notes]);
    }
  }
  return [
    `### ${t('긴급 연락망', 'Emergency contacts')}`,
    '',
    ...table(header, rows),
    '',
    `### ${t('에스컬레이션 절차', 'Escalation')}`,
    '',
    ...pack.ladder.map((rung, i) => `${i + 1}. **${rungRange(rung, pack.ladder[i + 1], lang)}**: ${rung.title[lang]}`),
    '',
  ];
}

/** When a person may be paged, as the table's note: `24/7 대기`, `평일 09-18시`. */
function available(window: Availability, lang: Lang): string {
  const t = translator(lang);
  if (window === 'always') return t('24/7 대기', '24/7');
  const weekdays = window.days.length === 5 && ['mon', 'tue', 'wed', 'thu', 'fri'].every((d) => window.days.includes(d as (typeof window.days)[number]));
  const koDays: Record<string, string> = { mon: '월', tue: '화', wed: '수', thu: '목', fri: '금', sat: '토', sun: '일' };
  const days = weekdays ? t('평일', 'weekdays') : window.days.map((d) => (lang === 'ko' ? koDays[d] : d)).join(', ');
  const onTheHour = window.from.endsWith(':00') && window.to.endsWith(':00');
  const hours = lang === 'ko' && onTheHour ? `${window.from.slice(0, 2)}-${window.to.slice(0, 2)}시` : `${window.from}-${window.to}`;
  return `${days} ${hours}`;
}

/** The time range of a ladder rung: `0-30분`, `30분-1시간`, `2시간+` / `0-30 min`, `30 min-1 h`, `2 h+`. */
function rungRange(rung: LadderRung, next: LadderRung | undefined, lang: Lang): string {
  const unitOf = (m: number) => (m > 0 && m % 60 === 0 ? 'h' : 'min');
  const n = (m: number, unit: string) => (unit === 'h' ? m / 60 : m);
  const word = (unit: string) => (lang === 'ko' ? (unit === 'h' ? '시간' : '분') : unit === 'h' ? ' h' : ' min');
  const from = rung.afterMinutes;
  if (!next) return `${n(from, unitOf(from))}${word(unitOf(from))}+`;
  const to = next.afterMinutes;
  const toUnit = unitOf(to);
  const fromUnit = from === 0 ? toUnit : unitOf(from);
  if (fromUnit === toUnit) return `${n(from, fromUnit)}-${n(to, toUnit)}${word(toUnit)}`;
  return `${n(from, fromUnit)}${word(fromUnit)}-${n(to, toUnit)}${word(toUnit)}`;
}

function checklists(pack: RunbookPack, lang: Lang): string[] {
  const t = translator(lang);
  const lists: [ChecklistItem[], string][] = [
    [pack.checklists.immediate, t('장애 발생 시 즉시 체크', 'As soon as it happens')],
    [pack.checklists.during, t('복구 진행 중', 'During recovery')],
    [pack.checklists.after, t('복구 완료 후', 'After recovery')],
  ];
  return lists.flatMap(([items, title]) => [`### ✅ ${title}`, '', ...items.map((item) => `- [ ] ${boldLabel((item.document ?? item.text)[lang])}`), '']);
}

/** `라벨: 나머지` → `**라벨**: 나머지`; a text without a label is bold as a whole. */
function boldLabel(text: string): string {
  const at = text.indexOf(': ');
  return at < 0 ? `**${text}**` : `**${text.slice(0, at)}**${text.slice(at)}`;
}

function scheduled(pack: RunbookPack, lang: Lang): string[] {
  return (['weekly', 'monthly'] as const).flatMap((s) => {
    const check = pack.scheduled[s];
    return [`### ${check.title[lang]}`, '', ...check.items.map((item) => `- [ ] ${(item.document ?? item.text)[lang]}`), ''];
  });
}

function changelog(pack: RunbookPack, lang: Lang): string[] {
  const t = translator(lang);
  const rows = pack.document!.changelog.map((c) => [c.version, c.date, c.author[lang], c.change[lang]]);
  return [...table([t('버전', 'Version'), t('날짜', 'Date'), t('작성자', 'Author'), t('변경 내용', 'Change')], rows), ''];
}

/** A Markdown table; the rule under the header is as wide as each header (Hangul counts twice). */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const width = (text: string) => [...text].reduce((sum, c) => sum + (/[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u4e00-\u9fff]/.test(c) ? 2 : 1), 0);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), `|${header.map((h) => '-'.repeat(width(h) + 2)).join('|')}|`, ...rows.map(line)];
}
