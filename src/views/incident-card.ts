import { historyHint } from '../history/history-hint.js';
import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import type { Lang } from '../i18n/lang.js';
import { translator } from '../i18n/lang.js';
import type { IncidentSnapshot } from '../incident/incident-snapshot.js';
import type { StepRun } from '../incident/incident.js';
import { rtoState } from '../incident/rto-clock.js';
import { checklistItemText, drillTag } from '../incident/drill.js';
import { rpoVerdict } from '../agent/actions/rpo-age.js';
import type { FaultType, RunbookPack, Step } from '../runbook/pack-schema.js';
import { BoundedMemo, deepFreeze } from './frozen-memo.js';
import type { ListItem, Mark, View, ViewAction } from './view.js';
import { procedureText, stageTitle, stepActionLabel, stepLine, stepsOfType, textsOfChecklists, textsOfType } from './card-texts.js';
import type { Deployment } from '../agentlink/agent-protocol.js';

const SCOPE: Record<string, { ko: string; en: string }> = {
  full: { ko: '전체', en: 'full' },
  partial: { ko: '부분', en: 'partial' },
  feature: { ko: '특정 기능', en: 'one feature' },
};

const STATUS: Record<string, { ko: string; en: string }> = {
  open: { ko: '진행 중', en: 'open' },
  resolved: { ko: '복구 완료', en: 'resolved' },
  closed: { ko: '종료', en: 'closed' },
  cancelled: { ko: '취소', en: 'cancelled' },
};

/** Actions that restart or rebuild the service in containers, and those that restart it as a local process. */
const CONTAINER_ACTIONS = new Set(['compose_service_restart', 'compose_up_build', 'compose_down', 'remove_all_containers']);
const LOCAL_ACTIONS = new Set(['process_restart']);

/** Whether a step fits how the service runs on the host (agent.yaml `deployment`); every step fits when the agent did not say. */
export function stepFits(step: Step, deployment: Deployment | undefined): boolean {
  if (!deployment || deployment === 'both') return true;
  if (deployment === 'local') return !CONTAINER_ACTIONS.has(step.action);
  return !LOCAL_ACTIONS.has(step.action);
}

/** What the card shows: the full runbook (console, `status`) or the compact live card (chat platforms). */
export type CardDetail = 'full' | 'compact';

/** Cards kept per pack and fault type, by everything else they are made of (`cardKey`). */
const CARDS_KEPT = 32;
/** A snapshot whose key is longer than this (a very long timeline) is built every time, not kept. */
const CARD_KEY_MAX = 256 * 1024;
const keptCards = new WeakMap<RunbookPack, WeakMap<FaultType, BoundedMemo<View>>>();

/**
 * Builds the incident card: status, RTO clock, ladder, checklists, diagnostics, recovery steps and
 * their commands. The card is a pure function of the snapshot (its clock only through the RTO and
 * backup-age texts), the pack, the language and the detail, so the same card is not built twice:
 * one `status` after another, and every adapter refreshing its card after one change, get the
 * card built for the first, frozen (shared; nobody can change it for the others). The snapshot is
 * still read from the store each time; only identical contents share a card.
 */
export function incidentCard(snap: IncidentSnapshot, pack: RunbookPack, lang: Lang, detail: CardDetail = 'full'): View {
  const clock = clockTexts(snap, pack, lang);
  const key = cardKey(snap, lang, detail, clock);
  if (key.length > CARD_KEY_MAX) return deepFreeze(buildCard(snap, pack, lang, detail, clock));
  let ofPack = keptCards.get(pack);
  if (!ofPack) keptCards.set(pack, (ofPack = new WeakMap()));
  let kept = ofPack.get(snap.type);
  if (!kept) ofPack.set(snap.type, (kept = new BoundedMemo(CARDS_KEPT)));
  let card = kept.get(key);
  if (!card) kept.set(key, (card = deepFreeze(buildCard(snap, pack, lang, detail, clock))));
  return card;
}

/**
 * The card of an incident nobody has seen yet (it was opened by the command that shows it): built
 * as incidentCard builds it, but neither looked for among the kept cards nor kept (the key, the
 * freezing and a kept card's life in the heap cost an /incident open ~40 µs, for a card that could
 * not be there).
 */
export function newIncidentCard(snap: IncidentSnapshot, pack: RunbookPack, lang: Lang, detail: CardDetail = 'full'): View {
  return buildCard(snap, pack, lang, detail, clockTexts(snap, pack, lang));
}

/** What the card shows of the time now: the RTO clock and the newest backup's age. */
interface ClockTexts {
  rto: string;
  backup?: string;
}

/**
 * Everything a card is made of besides the pack and the fault type (which key the memo itself):
 * the snapshot's contents with `now` replaced by the texts it shows of it.
 */
function cardKey(snap: IncidentSnapshot, lang: Lang, detail: CardDetail, clock: ClockTexts): string {
  const { incident, ticks, approvals, runs, timeline, agent, rung, holders, stepContacts, history } = snap;
  return JSON.stringify([lang, detail, clock.rto, clock.backup, incident, ticks, approvals, runs, timeline, agent, rung, holders, stepContacts, history]);
}

function clockTexts(snap: IncidentSnapshot, pack: RunbookPack, lang: Lang): ClockTexts {
  const t = translator(lang);
  const rto = rtoState(snap.incident, pack, snap.now);
  const text =
    `${t('경과', 'elapsed')} ${formatDuration(rto.elapsedMs, lang)} · ` +
    (rto.leftToGoalMs > 0
      ? t(`목표까지 ${formatDuration(rto.leftToGoalMs, lang)}`, `${formatDuration(rto.leftToGoalMs, lang)} left to the goal`)
      : rto.leftToLimitMs > 0
        ? t(`목표 초과, 허용 한도까지 ${formatDuration(rto.leftToLimitMs, lang)}`, `goal missed, ${formatDuration(rto.leftToLimitMs, lang)} left to the limit`)
        : t('허용 한도(8시간) 초과', 'limit exceeded')) +
    (rto.stopped ? t(' (정지)', ' (stopped)') : '');
  return { rto: text, backup: newestBackupText(snap, pack, lang) };
}

function buildCard(snap: IncidentSnapshot, pack: RunbookPack, lang: Lang, detail: CardDetail, clock: ClockTexts): View {
  const { incident, type } = snap;
  const t = translator(lang);
  const lastRun = latestRuns(snap.runs);
  const deployment = snap.agent.deployment;
  const fits = (step: Step) => stepFits(step, deployment);
  const deploymentName = { docker: t('컨테이너(docker)', 'containers (docker)'), local: t('로컬 프로세스(local)', 'local processes (local)'), both: t('컨테이너와 로컬(both)', 'containers and local (both)') };
  const ticked = new Set(snap.ticks.map((x) => x.itemId));
  const typeTexts = textsOfType(type, lang);
  const checklistTexts = textsOfChecklists(pack, lang);
  const allItems = checklistTexts.items;
  const open = incident.status === 'open';

  const rtoText = clock.rto;

  const fields = [
    { label: t('상태', 'Status'), value: STATUS[incident.status]![lang] },
    { label: t('영향 범위', 'Impact'), value: SCOPE[incident.scope]![lang] },
    { label: t('발생 시각', 'Opened'), value: `${formatTime(incident.openedAt, pack.timeZone)} (${incident.openedBy})` },
    { label: 'RTO', value: rtoText },
    {
      label: t('에스컬레이션', 'Escalation'),
      value: `${snap.rung.level}. ${snap.rung.title[lang]} — ${snap.holders.map((c) => c.name).join(', ') || t('담당자 없음', 'nobody on the list')}`,
    },
    { label: t('지휘', 'Commander'), value: incident.commander ?? t('미지정', 'none yet') },
    { label: t('체크리스트', 'Checklist'), value: `${allItems.filter((i) => ticked.has(i.item.id)).length}/${allItems.length}` },
    {
      label: t('에이전트', 'Agent'),
      value: snap.agent.online
        ? t(`${incident.host} 연결됨`, `${incident.host} online`) + (deployment ? t(` · 실행 방식: ${deploymentName[deployment]}`, ` · runs as ${deploymentName[deployment]}`) : '')
        : t(
            `⚠️ ${incident.host} 오프라인 (${snap.agent.lastSeenAt === undefined ? '에이전트 접속 기록 없음' : `에이전트 마지막 접속 ${formatTime(snap.agent.lastSeenAt, pack.timeZone)}`}) — 진단/복구 불가, /incident agents`,
            `⚠️ ${incident.host} offline (${snap.agent.lastSeenAt === undefined ? 'agent never connected' : `agent last seen ${formatTime(snap.agent.lastSeenAt, pack.timeZone)}`}) — diagnostics and recovery cannot run; see /incident agents`,
          ),
    },
  ];
  const backup = clock.backup;
  if (backup && open) fields.push({ label: t('최신 백업', 'Newest backup'), value: backup });
  const readOnly = readOnlySince(snap, type);
  if (readOnly !== undefined) {
    const off = stepsOfType(type).readOnlyOff;
    fields.push({
      label: t('읽기 전용 모드', 'Read-only mode'),
      value: t(`⚠️ 켜짐 (${formatTime(readOnly, pack.timeZone)}부터, 저장 불가)${off ? ` — 해제: /incident approve ${incident.id} ${off.id}` : ''}`, `⚠️ ON since ${formatTime(readOnly, pack.timeZone)} (nothing is saved)${off ? ` — switch it off: /incident approve ${incident.id} ${off.id}` : ''}`),
    });
  }
  const suggestion = open && snap.history ? historyHint(snap.history, lang) : undefined;
  if (suggestion) fields.push({ label: t('이력 참고', 'History suggests'), value: suggestion });
  if (incident.cause) fields.push({ label: t('원인', 'Cause'), value: incident.cause });
  if (incident.note) fields.push({ label: t('메모', 'Note'), value: incident.note });

  const numbers = typeTexts.numbers;
  const checklistNumbers = checklistTexts.numbers;
  const stepItem = (step: Step, kind: 'diag' | 'recovery'): ListItem => {
    const run = lastRun.get(step.id);
    // The live one waiting for a second person (an expired or replaced one beside it says nothing now).
    const approval = snap.approvals.filter((a) => a.stepId === step.id && a.status === 'pending').at(-1);
    const mark: Mark | undefined = run ? runMark(run) : approval?.status === 'pending' ? 'pending' : kind === 'recovery' ? 'todo' : undefined;
    const details: string[] = [];
    const contacts = snap.stepContacts?.[step.id];
    if (step.doc?.contact && contacts) {
      // Who to call, from config/contacts.yaml, instead of the document's placeholders ([네트워크 관리자], [IT 헬프데스크]).
      const priority = step.doc.contact.priority ? ` (${t('우선순위', 'priority')} ${step.doc.contact.priority[lang]})` : '';
      details.push(
        contacts.length
          ? `${t('연락처', 'Contacts')}${priority}: ${contacts.map((c) => [c.name, c.phone ? `☎ ${c.phone}` : '', c.email ? `✉ ${c.email}` : ''].filter(Boolean).join(' ')).join('; ')}`
          : t(`연락처 목록에 ${step.doc.contact.role} 역할이 없습니다 — config/contacts.yaml에 추가하세요`, `nobody on the contact list holds ${step.doc.contact.role} — add them to config/contacts.yaml`),
      );
    } else if (step.procedure.length && detail === 'full') details.push(typeTexts.procedures.get(step) ?? procedureText(step));
    if (run?.summary) details.push(run.summary);
    if (approval?.status === 'pending') {
      details.push(t(`1차 승인: ${approval.firstBy} — 다른 사람의 2차 승인 필요`, `approved by ${approval.firstBy} — needs a second, different person`));
      details.push(
        approval.plan
          ? t(`승인된 계획 ${approval.plan.digest}: ${approval.plan.target}`, `approved plan ${approval.plan.digest}: ${approval.plan.target}`)
          : t('계획 없이 승인됨 (에이전트 오프라인): 계획을 보고 다시 승인해야 합니다', 'approved without a plan (agent offline): it must be approved again on its plan'),
      );
    }
    return {
      text: typeTexts.lines.get(step) ?? stepLine(step, numbers, lang),
      mark,
      detail: details.join('\n') || undefined,
      action: open ? stepAction(incident.id, step, lang) : undefined,
    };
  };

  const view: View = {
    key: `incident:${incident.id}`,
    header: { title: `${drillTag(incident)}${incident.id} · Type ${type.id}: ${type.title[lang]}`, emoji: type.emoji, colour: type.colour },
    summary: `${drillTag(incident)}${type.emoji} ${incident.id} Type ${type.id} ${type.title[lang]} — ${STATUS[incident.status]![lang]}, ${rtoText}`,
    blocks: [{ type: 'fields', fields }],
  };

  if (detail === 'full') view.blocks.push({ type: 'list', title: t('증상', 'Symptoms'), items: type.symptoms.map((s) => ({ text: s[lang] })) });
  view.blocks.push({ type: 'list', title: t('원인 분석 (진단)', 'Diagnostics'), items: type.diagnostics.map((s) => stepItem(s, 'diag')) });
  const stages = detail === 'full' ? type.stages : [currentStage(type.stages, lastRun, fits)];
  const others: Step[] = [];
  for (const stage of stages) {
    const fitting = stage.steps.filter(fits);
    others.push(...stage.steps.filter((s) => !fits(s)));
    const items = fitting.length ? fitting.map((s) => stepItem(s, 'recovery')) : [{ text: t('(이 호스트의 실행 방식에 맞는 단계 없음 — 아래 "다른 단계")', '(no step fits how this host runs the service — see "Other steps" below)') }];
    view.blocks.push({ type: 'list', title: typeTexts.stageTitles.get(stage) ?? stageTitle(stage, lang), items });
  }
  if (detail === 'full') {
    others.push(...type.rollback.filter((s) => !fits(s)), ...type.temporary.filter((s) => !fits(s)));
    const rollback = type.rollback.filter(fits);
    if (rollback.length) view.blocks.push({ type: 'list', title: t('롤백 절차', 'Rollback'), items: rollback.map((s) => stepItem(s, 'recovery')) });
    const temporary = type.temporary.filter(fits);
    if (temporary.length) view.blocks.push({ type: 'list', title: t('임시 조치', 'Temporary measures'), items: temporary.map((s) => stepItem(s, 'recovery')) });
    if (type.portConflict.length) view.blocks.push({ type: 'list', title: t('포트 충돌 해결', 'Port conflict'), items: type.portConflict.map((s) => stepItem(s, 'recovery')) });
    if (others.length && deployment) {
      view.blocks.push({ type: 'list', title: t(`다른 단계 (${deploymentName[deployment]}에는 맞지 않음)`, `Other steps (not for ${deploymentName[deployment]})`), items: others.map((s) => stepItem(s, 'recovery')) });
    }
    for (const list of ['immediate', 'during', 'after'] as const) {
      view.blocks.push({
        type: 'list',
        title: checklistTexts.titles[list],
        items: pack.checklists[list].map((item) => {
          const tick = snap.ticks.find((x) => x.itemId === item.id);
          const text = checklistItemText(item, incident, lang, snap.timeline);
          return {
            // The pack's line unless a drill's report item says something else.
            text: (text === item.text[lang] && checklistTexts.lines.get(item)) || `${checklistNumbers.get(item.id)}. ${item.id} — ${text}`,
            mark: tick ? 'done' : 'todo',
            detail: tick ? `${tick.doneBy}, ${formatTime(tick.doneAt, pack.timeZone)}` : undefined,
            action: !tick && open ? { label: t('완료', 'Done'), command: `/incident check ${incident.id} ${item.id}` } : undefined,
          };
        }),
      });
    }
  }
  if (detail !== 'full' && others.length && deployment) {
    // The compact card names them only: they stay reachable by command, without a button of their own.
    view.blocks.push({ type: 'list', title: t(`다른 단계 (${deploymentName[deployment]}에는 맞지 않음)`, `Other steps (not for ${deploymentName[deployment]})`), items: others.map((s) => ({ text: `${numbers.get(s.id)}. ${s.id} — ${s.title[lang]}` })) });
  }
  if (open) {
    const stage = currentStage(type.stages, lastRun, fits);
    view.blocks.push({
      type: 'actions',
      actions: [
        { label: t('진단 실행', 'Run diagnostics'), command: `/incident diag ${incident.id}` },
        ...stage.steps.filter((s) => s.mutates && fits(s)).map((s) => stepAction(incident.id, s, lang)),
        { label: t('확인(Ack)', 'Acknowledge'), command: `/incident ack ${incident.id}` },
        { label: t('복구 완료', 'Resolve'), command: `/incident resolve ${incident.id}`, style: 'primary' as const },
      ],
    });
  }
  return view;
}

/**
 * The button for one step: for a host-changing step it asks the host for the step's plan first
 * (read-only; the answer shows the resolved target, its choices and the Approve button whose
 * confirm dialog holds that plan), so nobody approves a shell line blind; `run` otherwise.
 */
export function stepAction(incidentId: string, step: Step, lang: Lang): ViewAction {
  const label = stepActionLabel(step, lang);
  if (!step.mutates) return { label, command: `/incident run ${incidentId} ${step.id}` };
  return { label, command: `/incident plan ${incidentId} ${step.id}`, style: step.destructive ? 'danger' : 'primary' };
}

/**
 * When read-only mode was switched on and is still on, as this incident's timeline says: the newest
 * successful `set_read_only_mode` step set `enabled: true`. Undefined when it is off or was never touched.
 */
export function readOnlySince(snap: Pick<IncidentSnapshot, 'timeline'>, type: IncidentSnapshot['type']): number | undefined {
  const steps = stepsOfType(type).readOnly;
  // The timeline's order is the order the runs ended in (two in the same millisecond included).
  const last = snap.timeline.filter((e) => e.kind === 'step' && e.data?.status === 'ok' && steps.has(String(e.data?.step))).at(-1);
  return last && steps.get(String(last.data!.step))!.params.enabled === true ? last.at : undefined;
}

/**
 * For a type that restores a backup (Type 2): the newest backup and its age now against the pack's
 * RPO, in the restore plan's words ("routing_db_20261127.accdb — 26 h old — past the RPO goal (24 h),
 * within the limit (72 h)"), from the newest plan of the restore step on the timeline (asked at open,
 * or when someone planned it). Unknown, saying why, when no plan has named it. Undefined for other types.
 */
export function newestBackupText(snap: Pick<IncidentSnapshot, 'type' | 'timeline' | 'agent' | 'now'>, pack: Pick<RunbookPack, 'rpo'>, lang: Lang): string | undefined {
  const step = stepsOfType(snap.type).backupRestore;
  if (!step) return undefined;
  const t = translator(lang);
  const plan = snap.timeline.filter((e) => e.kind === 'plan' && e.data?.step === step.id).at(-1);
  const facts = Array.isArray(plan?.data?.facts) ? (plan.data.facts as { label?: unknown; value?: unknown }[]) : [];
  const newest = facts.find((f) => f.label === 'newest backup');
  if (newest && typeof newest.value === 'string') {
    if (newest.value === 'none') return t('⚠️ 백업 파일 없음', '⚠️ no backup file found');
    // The agent's plan writes it as `<file> (<ISO time>)`.
    const m = /^(.+) \((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\)$/.exec(newest.value);
    const at = m ? Date.parse(m[2]!) : NaN;
    if (m && Number.isFinite(at)) return `${m[1]} — ${rpoVerdict(Math.max(0, snap.now - at), pack.rpo.goalHours, pack.rpo.limitHours)}`;
  }
  if (!snap.agent.online) return t('알 수 없음 — 에이전트 오프라인 (연결되면 확인합니다)', 'unknown — the agent is offline (checked when it connects)');
  return t(`아직 모름 — ${step.id}의 계획이 보여 줍니다`, `not known yet — the plan of ${step.id} shows it`);
}

function latestRuns(runs: StepRun[]): Map<string, StepRun> {
  const map = new Map<string, StepRun>();
  for (const r of runs) map.set(r.stepId, r);
  return map;
}

function runMark(run: StepRun): Mark {
  return run.status === 'running' ? 'running' : run.status === 'unknown' ? 'warn' : run.status;
}

/** The first stage with a host-changing step that fits the host and has not yet run successfully (else the last stage). */
function currentStage<T extends { steps: Step[] }>(stages: T[], lastRun: Map<string, StepRun>, fits: (step: Step) => boolean = () => true): T {
  return stages.find((s) => s.steps.some((step) => step.mutates && fits(step) && lastRun.get(step.id)?.status !== 'ok')) ?? stages.at(-1)!;
}
