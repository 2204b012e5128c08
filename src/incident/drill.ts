import type { Contact } from '../contacts/contact-schema.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { Lang } from '../i18n/lang.js';
import type { ChecklistItem, Role, Step } from '../runbook/pack-schema.js';
import type { Incident, TimelineEntry } from './incident.js';

/** How a drill runs: who takes part (the only people it pages) and how much faster its ladder and RTO alarms run. */
export interface DrillPlan {
  /** Contact names; the first is whoever started the drill. */
  participants: string[];
  /** 1 = real time; 60 = the ladder and RTO alarms come 60 times sooner (this incident only). */
  speed: number;
}

/** A fault injection step id: `fault-<stop-process|stop-container|corrupt-file|corrupt-dir>-<target>` (target `_` written `-`). */
const FAULT_STEP = /^fault-(stop-process|stop-container|corrupt-file|corrupt-dir)-([a-z0-9][a-z0-9-]{0,63})$/;

/**
 * The step a drill's fault id stands for: the agent's `drill_fault` action, approved like a recovery
 * step by devops or the CTO; undefined when the id is not a fault step.
 */
export function drillFaultStep(stepId: string): Step | undefined {
  const m = FAULT_STEP.exec(stepId.trim().toLowerCase());
  if (!m) return undefined;
  const fault = m[1]!.replace('-', '_');
  const target = m[2]!;
  return {
    id: m[0],
    title: { ko: `[DRILL] 장애 주입: ${fault} ${target}`, en: `[DRILL] inject fault: ${fault} ${target}` },
    action: 'drill_fault',
    params: { fault, target },
    mutates: true,
    destructive: false,
    approvers: ['devops', 'cto'],
    procedure: [],
    rollbackPoint: { ko: '`/incident drill end`가 되돌립니다', en: '`/incident drill end` undoes it' },
    timeoutSeconds: 60,
  };
}

/** The highest `--speed` a drill accepts (2 h of ladder in 2 s). */
export const MAX_DRILL_SPEED = 3600;

/** The marker every page, notice and card title of a drill starts with. */
export const DRILL_TAG = '[DRILL]';

/** The checklist item a written report ticks. */
export const REPORT_CHECKLIST_ITEM = 'report-written';

/** The drill report's path as its report writer recorded it on the timeline (the latest), if written. */
export function writtenDrillReport(timeline: readonly Pick<TimelineEntry, 'kind' | 'data'>[]): string | undefined {
  const entry = [...timeline].reverse().find((e) => e.kind === 'report' && e.data?.drill === true && typeof e.data.path === 'string');
  return entry?.data?.path as string | undefined;
}

/**
 * A checklist item's text for this incident. A drill's report goes to `drill_reports/`, not to the
 * post-incident path the pack's item names: its report item names the drill report written (from the
 * timeline), or the drill report's pattern before one is.
 */
export function checklistItemText(item: ChecklistItem, incident: Pick<Incident, 'drill' | 'type'>, lang: Lang, timeline: readonly Pick<TimelineEntry, 'kind' | 'data'>[] = []): string {
  if (!incident.drill || item.id !== REPORT_CHECKLIST_ITEM) return item.text[lang];
  return drillReportItemText(writtenDrillReport(timeline) ?? `drill_reports/YYYY-MM-DD-type${incident.type}.md`, lang);
}

/** The drill's report item naming the drill report at `path`. */
export function drillReportItemText(path: string, lang: Lang): string {
  return lang === 'ko' ? `훈련 보고서 작성: \`${path}\`` : `Drill report written: \`${path}\``;
}

/** `[DRILL] ` for a drill, '' for a real incident: put in front of every page, notice and title. */
export function drillTag(incident: Pick<Incident, 'drill'>): string {
  return incident.drill ? `${DRILL_TAG} ` : '';
}

/** How many times faster than real time the incident's ladder, RTO alarms and reminders run (1 unless a drill says otherwise). */
export function incidentSpeed(incident: Pick<Incident, 'drill' | 'drillPlan'>): number {
  return incident.drill && incident.drillPlan ? Math.max(1, incident.drillPlan.speed) : 1;
}

/** The drill's participants as contacts (names no longer on the contact list are left out). */
export function drillParticipants(incident: Pick<Incident, 'drillPlan'>, contacts: ContactDirectory): Contact[] {
  return (incident.drillPlan?.participants ?? []).map((n) => contacts.byName(n)).filter((c): c is Contact => Boolean(c));
}

/** Who a drill pages for a rung's role: a participant holding the role, else the first participant standing in for it. */
export function drillPagee(incident: Pick<Incident, 'drillPlan' | 'assignments'>, contacts: ContactDirectory, role: Role): { contact?: Contact; standingIn: boolean } {
  const people = drillParticipants(incident, contacts);
  const assigned = incident.assignments[role];
  const holder = people.filter((c) => c.roles.includes(role)).sort((a, b) => (a.name === assigned ? -1 : b.name === assigned ? 1 : 0))[0];
  if (holder) return { contact: holder, standingIn: false };
  return { contact: people[0], standingIn: people.length > 0 };
}

/**
 * Matches the words after `/incident drill <type>` to contacts: full names (several words), Slack
 * ids or mentions (`<@U…>`), Teams ids, e-mail addresses; commas separate nothing more than spaces do.
 * Returns the contacts, or the words that name nobody.
 */
export function matchParticipants(words: readonly string[], contacts: ContactDirectory): { people: Contact[]; unknown?: string } {
  const tokens = words.flatMap((w) => w.split(',')).map((w) => w.trim()).filter(Boolean);
  const people: Contact[] = [];
  let i = 0;
  while (i < tokens.length) {
    let found: { contact: Contact; next: number } | undefined;
    for (let j = tokens.length; j > i && !found; j--) {
      const contact = lookup(tokens.slice(i, j).join(' '), contacts);
      if (contact) found = { contact, next: j };
    }
    if (!found) return { people, unknown: tokens[i] };
    if (!people.includes(found.contact)) people.push(found.contact);
    i = found.next;
  }
  return { people };
}

function lookup(text: string, contacts: ContactDirectory): Contact | undefined {
  const mention = /^<@([A-Z0-9]+)(\|[^>]*)?>$/.exec(text);
  if (mention) return contacts.bySlackId(mention[1]!);
  const plain = text.replace(/^@/, '');
  const lower = plain.toLowerCase();
  return contacts.byName(plain) ?? contacts.all().find((c) => c.name.toLowerCase() === lower || c.email?.toLowerCase() === lower) ?? contacts.bySlackId(plain) ?? contacts.byTeamsId(plain);
}
