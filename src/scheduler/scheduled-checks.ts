import { Cron } from 'croner';
import { AgentOfflineError } from '../agentlink/agent-port.js';
import type { Core } from '../app/core.js';
import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import type { ChecklistItem } from '../runbook/pack-schema.js';
import type { Mark, View } from '../views/view.js';
import { translator } from '../i18n/lang.js';
import type { Actor } from '../app/actor.js';
import { clip } from '../incident/incident-service.js';
import { ok, refuse, type Outcome } from '../incident/outcome.js';
import { isAbsolute, relative } from 'node:path';
import { renderProcedure } from '../runbook/render-procedure.js';
import { compareDocuments, driftSummary, MAX_DOCUMENT_BYTES, readCommittedDocument } from '../runbook/procedure-drift.js';

/** Which recurring check: weekly (Monday 10:00) or monthly (the 1st). */
export type CheckSchedule = 'weekly' | 'monthly';

/** One item's verdict. */
export interface CheckItemResult {
  id: string;
  text: string;
  mark: 'ok' | 'warn' | 'fail';
  detail: string;
  /** The `/incident open …` command a failed item offers. */
  openCommand?: string;
  /** Another command the item offers whatever its mark (the DR-test item: start a drill). */
  command?: string;
}

/** One run of a recurring check. */
export interface CheckReport {
  schedule: CheckSchedule;
  title: string;
  at: number;
  items: CheckItemResult[];
  /** Set when the run was due earlier (drbot was down): how late it ran. */
  lateMs?: number;
}

/** Fault type whose incident a failed item suggests opening. */
const OPEN_TYPE_FOR_ITEM: Record<string, number> = { 'health-endpoint': 1, 'backup-fresh': 2, 'backup-restore-test': 2, 'disk-usage': 4, 'log-size': 4 };

/** Days after which the contact list counts as not reviewed. */
const CONTACTS_REVIEW_DAYS = 30;

/** Agent checks get 30 s; the backup-restore test copies whole backups and gets 10 min. */
const AGENT_TIMEOUT_MS = 30_000;
const LONG_AGENT_TIMEOUT_MS: Record<string, number> = { backup_restore_test: 600_000 };

/** The monthly DR-test item (재해 복구 테스트 수행) and how recent a completed drill must be for it to be ok. */
const DR_DRILL_ITEM = 'dr-drill';
const DRILL_DAYS = 31;
/** The monthly 문서 업데이트 item: the committed document is compared with the rendering of the pack and contacts. */
const PROCEDURE_ITEM = 'procedure-review';

/** What the DR-test item offers (a button on Slack and Teams). */
export const DRILL_COMMAND = '/incident drill type1';

/** The next time a check's cron expression fires after `after`, in the pack's time zone. */
export function nextCheckAt(cron: string, timeZone: string, after: number): number {
  const job = new Cron(cron, { timezone: timeZone, paused: true });
  try {
    const next = job.nextRun(new Date(after));
    if (!next) throw new Error(`cron "${cron}" never fires again`);
    return next.getTime();
  } finally {
    job.stop();
  }
}

/**
 * Runs the weekly and monthly checks of the runbook pack. Host facts (health endpoint, disk,
 * backup age, log sizes) come from agent actions; with the agent offline those items fail and say so.
 */
export class ScheduledChecks {
  constructor(private readonly core: Pick<Core, 'pack' | 'lang' | 'agents' | 'contacts' | 'clock' | 'newId' | 'timeZone' | 'store' | 'procedureDocument'>) {}

  /** Runs every item of one schedule and returns the verdicts. */
  async run(schedule: CheckSchedule, options: { lateMs?: number; only?: string } = {}): Promise<CheckReport> {
    const check = this.core.pack.scheduled[schedule];
    const items: CheckItemResult[] = [];
    for (const item of check.items) if (!options.only || item.id === options.only) items.push(await this.runItem(item, schedule));
    return { schedule, title: check.title[this.core.lang], at: this.core.clock.now(), items, lateMs: options.lateMs };
  }

  private async runItem(item: ChecklistItem, schedule: CheckSchedule): Promise<CheckItemResult> {
    const text = item.text[this.core.lang];
    if (item.id === DR_DRILL_ITEM) return { id: item.id, text, ...(await this.lastDrill()) };
    if (item.id === PROCEDURE_ITEM && this.core.procedureDocument) return { id: item.id, text, ...(await this.procedureReview(schedule)) };
    const verdict = item.action ? await this.fromAgent(item.action, item.params) : ((await this.doneByHand(item.id, schedule)) ?? this.byHand(item.id));
    const type = OPEN_TYPE_FOR_ITEM[item.id];
    return { id: item.id, text, ...verdict, openCommand: verdict.mark === 'fail' && type !== undefined ? `/incident open type${type}` : undefined };
  }

  private async fromAgent(action: string, params: Record<string, string | number | boolean>): Promise<Pick<CheckItemResult, 'mark' | 'detail'>> {
    const { core } = this;
    try {
      const result = await core.agents.run({ requestId: core.newId(), host: core.pack.host, action, params, timeoutMs: LONG_AGENT_TIMEOUT_MS[action] ?? AGENT_TIMEOUT_MS });
      const mark = result.status === 'ok' || result.status === 'warn' ? result.status : 'fail';
      return { mark, detail: result.summary };
    } catch (err) {
      if (err instanceof AgentOfflineError) {
        return { mark: 'fail', detail: this.t(`에이전트 오프라인: ${core.pack.host}에 연결된 에이전트가 없어 확인할 수 없음`, `agent offline: no agent is connected for ${core.pack.host}, so this could not be checked`) };
      }
      return { mark: 'fail', detail: (err as Error).message };
    }
  }

  /** The DR-test item: ok when a drill was completed in the last 31 days, else warn with the command that starts one. */
  private async lastDrill(): Promise<Pick<CheckItemResult, 'mark' | 'detail' | 'command'>> {
    const last = await this.core.store.incidents.lastCompletedDrill();
    const now = this.core.clock.now();
    const command = DRILL_COMMAND;
    if (!last?.resolvedAt) {
      return { mark: 'warn', detail: this.t(`완료된 훈련이 없습니다. 시작: ${command}`, `no drill has been completed yet; start one: ${command}`), command };
    }
    const days = Math.floor((now - last.resolvedAt) / 86_400_000);
    const when = formatTime(last.resolvedAt, this.core.timeZone);
    if (days <= DRILL_DAYS) return { mark: 'ok', detail: this.t(`${when}에 훈련 완료 (${last.id}, Type ${last.type}, ${days}일 전)`, `drill completed ${when} (${last.id}, Type ${last.type}, ${days} days ago)`) };
    return {
      mark: 'warn',
      detail: this.t(`마지막 훈련이 ${days}일 전(${when}, ${last.id}) — ${DRILL_DAYS}일 초과. 시작: ${command}`, `the last drill was ${days} days ago (${when}, ${last.id}), more than ${DRILL_DAYS}; start one: ${command}`),
      command,
    };
  }

  /**
   * The 문서 업데이트 item: a committed document that no longer matches the rendering of the pack and
   * contacts warns with a short diff summary, whoever marked the item done. A matching document still
   * needs the monthly review by a person (is the pack still true of the system?): ok once marked done.
   */
  private async procedureReview(schedule: CheckSchedule): Promise<Pick<CheckItemResult, 'mark' | 'detail'>> {
    const { path, lang } = this.core.procedureDocument!;
    const shown = relative(process.cwd(), path);
    const shownPath = shown === '' || shown.startsWith('..') || isAbsolute(shown) ? path : shown;
    const command = `drbot runbook render --lang ${lang} --out ${shownPath}`;
    const committed = await readCommittedDocument(path);
    if ('problem' in committed) {
      const why =
        committed.problem === 'missing'
          ? this.t(`절차 문서 ${shownPath}이(가) 없습니다`, `the procedure document ${shownPath} does not exist`)
          : committed.problem === 'too-large'
            ? this.t(`절차 문서 ${shownPath}이(가) ${MAX_DOCUMENT_BYTES / 1024} KiB보다 큽니다`, `the procedure document ${shownPath} is larger than ${MAX_DOCUMENT_BYTES / 1024} KiB`)
            : this.t(`절차 문서 ${shownPath}을(를) 읽을 수 없습니다 (${committed.reason})`, `cannot read the procedure document ${shownPath} (${committed.reason})`);
      return { mark: 'warn', detail: `${why}. ${this.t(`만들기: ${command}`, `write it: ${command}`)}` };
    }
    const drift = compareDocuments(committed.text, renderProcedure(this.core.pack, this.core.contacts.all(), lang));
    if (drift) return { mark: 'warn', detail: driftSummary(drift, shownPath, command, this.core.lang) };
    const done = await this.doneByHand(PROCEDURE_ITEM, schedule);
    if (done) return done;
    return {
      mark: 'warn',
      detail: this.t(
        `절차 문서 ${shownPath}은(는) 런북 팩·연락처와 일치합니다. ${this.byHand(PROCEDURE_ITEM).detail}`,
        `the procedure document ${shownPath} matches the runbook pack and contacts; ${this.byHand(PROCEDURE_ITEM).detail}`,
      ),
    };
  }

  /** Records that someone did a manual item (with evidence); the next run of its schedule shows it. */
  async markDone(itemId: string, actor: Actor, evidence: string): Promise<Outcome<string>> {
    const all = (['weekly', 'monthly'] as const).flatMap((s) => this.core.pack.scheduled[s].items.map((item) => ({ s, item })));
    const found = all.find((x) => x.item.id === itemId);
    if (!found) return refuse(`점검 항목 "${clip(itemId)}"이(가) 없습니다. 항목: ${all.map((x) => x.item.id).join(', ')}`, `No check item "${clip(itemId)}". Items: ${all.map((x) => x.item.id).join(', ')}`);
    if (found.item.action || itemId === DR_DRILL_ITEM) {
      return refuse(
        `"${itemId}"은(는) drbot이 직접 확인하는 항목입니다 (${itemId === DR_DRILL_ITEM ? DRILL_COMMAND : `/incident checks run ${found.s}`}).`,
        `"${itemId}" is checked by drbot itself (${itemId === DR_DRILL_ITEM ? DRILL_COMMAND : `/incident checks run ${found.s}`}).`,
      );
    }
    if (!actor.contact) return refuse('연락처에 등록된 사람만 점검 항목을 완료 처리할 수 있습니다.', 'Only people on the contact list can mark a check item done.');
    const at = this.core.clock.now();
    await this.core.store.manualChecks.record({ itemId, by: actor.name, at, evidence });
    return ok(this.t(`☑ ${found.item.text.ko} (${itemId}) 완료: ${actor.name}, ${formatTime(at, this.core.timeZone)} — ${evidence}`, `☑ ${found.item.text.en} (${itemId}) done by ${actor.name} at ${formatTime(at, this.core.timeZone)}: ${evidence}`));
  }

  /** A manual item someone marked done within its period, as the check shows it. */
  private async doneByHand(id: string, schedule: CheckSchedule): Promise<Pick<CheckItemResult, 'mark' | 'detail'> | undefined> {
    const done = await this.core.store.manualChecks.latest(id);
    if (!done) return undefined;
    const days = Math.floor((this.core.clock.now() - done.at) / 86_400_000);
    if (days > (schedule === 'weekly' ? 7 : DRILL_DAYS)) return undefined;
    return { mark: 'ok', detail: this.t(`${formatTime(done.at, this.core.timeZone)}에 ${done.by} 완료 (${days}일 전): ${done.evidence}`, `done by ${done.by} at ${formatTime(done.at, this.core.timeZone)} (${days} days ago): ${done.evidence}`) };
  }

  private byHand(id: string): Pick<CheckItemResult, 'mark' | 'detail'> {
    if (id === 'contacts-review') {
      const reviewed = this.core.contacts.reviewed();
      if (!reviewed) return { mark: 'warn', detail: this.t('연락망 검토 날짜(reviewed)가 없습니다', 'the contact list has no reviewed date') };
      const days = Math.floor((this.core.clock.now() - Date.parse(`${reviewed}T00:00:00Z`)) / 86_400_000);
      return days <= CONTACTS_REVIEW_DAYS
        ? { mark: 'ok', detail: this.t(`${reviewed}에 검토됨 (${days}일 전)`, `reviewed ${reviewed} (${days} days ago)`) }
        : { mark: 'warn', detail: this.t(`${days}일 전(${reviewed})에 검토됨 — ${CONTACTS_REVIEW_DAYS}일 초과`, `last reviewed ${days} days ago (${reviewed}), more than ${CONTACTS_REVIEW_DAYS}`) };
    }
    return { mark: 'warn', detail: this.t(`이번 달 수행 필요 (사람이 직접). 완료하면: /incident checks done ${id} <근거>`, `due this month (done by a person); when done: /incident checks done ${id} <evidence>`) };
  }

  private t(ko: string, en: string): string {
    return translator(this.core.lang)(ko, en);
  }
}

/** The results as a notice for the ops channel: one line per item, failed items offering an incident. */
export function checkReportView(report: CheckReport, core: Pick<Core, 'lang' | 'timeZone'>): View {
  const t = translator(core.lang);
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const i of report.items) counts[i.mark]++;
  const late = report.lateMs ? t(` (${formatDuration(report.lateMs, core.lang)} 늦게 실행)`, ` (ran ${formatDuration(report.lateMs, core.lang)} late)`) : '';
  const summary = t(
    `${report.title}: 정상 ${counts.ok}, 주의 ${counts.warn}, 실패 ${counts.fail}${late}`,
    `${report.title}: ${counts.ok} ok, ${counts.warn} warn, ${counts.fail} fail${late}`,
  );
  return {
    key: `checks:${report.schedule}:${report.at}`,
    header: { title: report.title, emoji: counts.fail ? '❌' : counts.warn ? '⚠️' : '✅' },
    blocks: [
      { type: 'text', text: `${formatTime(report.at, core.timeZone)} · ${summary}` },
      {
        type: 'list',
        items: report.items.map((i) => ({
          text: `${i.text} (${i.id})`,
          mark: i.mark as Mark,
          detail: i.detail,
          action: i.openCommand
            ? { label: i.openCommand, command: i.openCommand, style: 'danger' as const }
            : i.command
              ? { label: i.command, command: i.command, style: 'primary' as const }
              : undefined,
        })),
      },
    ],
    summary,
  };
}
