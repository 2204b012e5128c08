import { normaliseIncidentId } from '../incident/incident-id.js';
import { l, type Localized } from '../i18n/lang.js';
import { findFaultType } from '../runbook/find-fault-type.js';
import type { Role, RunbookPack } from '../runbook/pack-schema.js';
import type { Command, Verb } from './command.js';
import { MAX_DRILL_SPEED } from '../incident/drill.js';

/** Who may use a verb: anyone, anyone on the contact list, or holders of the listed roles. */
export type Access = 'anyone' | 'contact' | readonly Role[];

/** One verb: its usage line, what it does, who may use it, and how its arguments parse. */
export interface VerbSpec {
  verb: Verb;
  usage: string;
  summary: Localized;
  access: Access;
  /** Parses the words after the verb; a string is the reason they do not fit. */
  parse(args: string[], pack: RunbookPack): Command | Localized;
}

const SCOPES: Record<string, 'full' | 'partial' | 'feature'> = {
  full: 'full',
  all: 'full',
  전체: 'full',
  partial: 'partial',
  부분: 'partial',
  feature: 'feature',
  기능: 'feature',
  '특정기능': 'feature',
};

/** The kept report sections a line may be added to from chat, by the words people type. */
const KEPT_SECTION_WORDS: Record<string, 'prevention' | 'lessons'> = { prevention: 'prevention', 재발방지: 'prevention', 대책: 'prevention', lessons: 'lessons', lesson: 'lessons', 교훈: 'lessons' };

const NOTICE_KINDS: Record<string, 'outage' | 'recovered'> = { outage: 'outage', 장애: 'outage', recovered: 'recovered', recovery: 'recovered', 복구: 'recovered' };

const ROLES = new Set(['devops', 'backend', 'it_support', 'cto', 'commander']);
/** A step as typed: its id, a unique prefix of it, or its number on the card. */
const STEP_REF = /^[a-z0-9][a-z0-9-]{0,62}$/;


const bad = (ko: string, en: string) => l(ko, en);

/** Splits an optional leading incident id off the arguments. */
function optionalId(args: string[]): { id?: string; rest: string[] } {
  const id = args[0] ? normaliseIncidentId(args[0]) : undefined;
  return id ? { id, rest: args.slice(1) } : { rest: args };
}

/** Splits off a leading incident id that must be there (verbs about incidents that are not open). */
function requiredId(args: string[]): { id: string; rest: string[] } | Localized {
  if (!args[0]) return bad('인시던트 ID가 필요합니다.', 'An incident id is needed.');
  const id = normaliseIncidentId(args[0]);
  if (!id) return bad(`"${args[0].slice(0, 40)}"은(는) 인시던트 ID가 아닙니다 (예: INC-20261126-001).`, `"${args[0].slice(0, 40)}" is not an incident id (e.g. INC-20261126-001).`);
  return { id, rest: args.slice(1) };
}

const isReason = (v: unknown): v is Localized => typeof v === 'object' && v !== null && 'ko' in v && 'en' in v && !('verb' in v);

function noMore(rest: string[], cmd: Command): Command | Localized {
  return rest.length ? bad(`필요 없는 인자: ${rest.join(' ').slice(0, 40)}`, `Unexpected words: ${rest.join(' ').slice(0, 40)}`) : cmd;
}

/** Parser of `approve|run [id] <step> …`: the id may be left out when one incident is open, the step named by id, prefix or number. */
function idAndStep(verb: 'approve' | 'run') {
  return (args: string[]): Command | Localized => {
    const r = optionalId(args);
    const step = r.rest[0]?.toLowerCase();
    if (!step || !STEP_REF.test(step)) return bad('단계 ID 또는 카드의 번호가 필요합니다 (예: restart-predictor, 2).', 'A step id or its number on the card is needed (e.g. restart-predictor, 2).');
    return noMore(r.rest.slice(1), { verb, id: r.id, step });
  };
}

/** Words after `approve <id> <step>` that ask to run a step that already ran once more, on purpose. */
const AGAIN = new Set(['again', '다시']);

const CHOICE = /^[A-Za-z0-9_.:-]{1,64}$/;
const SHOWN = /^plan:([0-9a-f]{12})$/i;

/** `approve [id] <step> [choice] [plan:<digest>] [again]`. */
function approveArgs(args: string[]): Command | Localized {
  let rest = [...args];
  const again = rest.length >= 2 && AGAIN.has(rest.at(-1)!.toLowerCase());
  if (again) rest = rest.slice(0, -1);
  const shownAt = rest.findIndex((a) => SHOWN.test(a));
  const shown = shownAt >= 0 ? SHOWN.exec(rest[shownAt]!)![1]!.toLowerCase() : undefined;
  if (shownAt >= 0) rest.splice(shownAt, 1);
  const parsed = stepAndChoice('approve', rest);
  if (isReason(parsed) || parsed.verb !== 'approve') return parsed;
  return { ...parsed, ...(shown ? { shown } : {}), ...(again ? { again: true } : {}) };
}

/** `approve|plan [id] <step> [choice]`: a choice is one target from the agent's allow-list. */
function stepAndChoice(verb: 'approve' | 'plan', args: string[]): Command | Localized {
  const r = optionalId(args);
  const step = r.rest[0]?.toLowerCase();
  if (!step || !STEP_REF.test(step)) return bad('단계 ID 또는 카드의 번호가 필요합니다 (예: restore-db-from-yesterday, 6).', 'A step id or its number on the card is needed (e.g. restore-db-from-yesterday, 6).');
  const choice = r.rest[1];
  if (choice !== undefined && !CHOICE.test(choice)) return bad(`"${choice.slice(0, 40)}"은(는) 고를 수 있는 대상 이름이 아닙니다.`, `"${choice.slice(0, 40)}" is not a target name.`);
  return noMore(r.rest.slice(2), { verb, id: r.id, step, ...(choice ? { choice } : {}) });
}

/** How the words after the id parse: `none` (no more words), `optional` text, or text that is needed (the reason when it is missing). */
interface IdThenTextRule {
  text: 'none' | 'optional' | Localized;
  command(id: string | undefined, text: string): Command;
}

/**
 * The verbs whose words are an optional incident id and then either nothing or free text, one row
 * each: the command the words make, and whether the text is needed. `idThenText` reads every row the
 * same way, so a verb of this shape is a row here plus its entry in GRAMMAR.
 */
const ID_THEN_TEXT = {
  status: { text: 'none', command: (id) => ({ verb: 'status', id }) },
  snapshot: { text: 'none', command: (id) => ({ verb: 'snapshot', id }) },
  ack: { text: 'none', command: (id) => ({ verb: 'ack', id }) },
  escalate: { text: 'none', command: (id) => ({ verb: 'escalate', id }) },
  close: { text: 'none', command: (id) => ({ verb: 'close', id }) },
  note: { text: bad('메모 내용이 필요합니다.', 'Note text is needed.'), command: (id, text) => ({ verb: 'note', id, text }) },
  resolve: { text: 'optional', command: (id, cause) => ({ verb: 'resolve', id, cause }) },
  cancel: { text: bad('취소 사유가 필요합니다.', 'A reason is needed.'), command: (id, reason) => ({ verb: 'cancel', id, reason }) },
} satisfies Record<string, IdThenTextRule>;

/** Parser of a verb of ID_THEN_TEXT: `<verb> [id]` or `<verb> [id] <text…>`, as its row says. */
function idThenText(verb: keyof typeof ID_THEN_TEXT) {
  const rule: IdThenTextRule = ID_THEN_TEXT[verb];
  return (args: string[]): Command | Localized => {
    const { id, rest } = optionalId(args);
    if (rule.text === 'none') return noMore(rest, rule.command(id, ''));
    if (rule.text !== 'optional' && !rest.length) return rule.text;
    return rule.command(id, rest.join(' '));
  };
}

/** The grammar of `/incident …`, one entry per verb, in the order `help` lists them. */
export const GRAMMAR: readonly VerbSpec[] = [
  {
    verb: 'help',
    usage: '/incident help [verb]',
    summary: l('명령 목록과 사용법', 'commands and their usage'),
    access: 'anyone',
    parse: (args) => ({ verb: 'help', topic: args[0]?.toLowerCase() }),
  },
  {
    verb: 'open',
    usage: '/incident open <type> [full|partial|feature] [note…]',
    summary: l('인시던트 열기 (type1~5 또는 api, db, network, docker, model)', 'open an incident (type1–5 or api, db, network, docker, model)'),
    access: 'contact',
    parse: (args, pack) => {
      if (!args[0]) return bad('장애 유형이 필요합니다: type1~type5 (예: /incident open type2)', 'A fault type is needed: type1–type5 (e.g. /incident open type2)');
      const type = findFaultType(pack, args[0]);
      if (!type) {
        const known = pack.types.map((t) => `type${t.id} (${t.aliases.slice(0, 3).join(', ')})`).join('; ');
        return bad(`알 수 없는 장애 유형 "${args[0].slice(0, 40)}". 유형: ${known}`, `Unknown fault type "${args[0].slice(0, 40)}". Types: ${known}`);
      }
      const scope = args[1] ? SCOPES[args[1].toLowerCase()] : undefined;
      const note = args.slice(scope ? 2 : 1).join(' ');
      return { verb: 'open', type: type.id, ...(scope ? { scope } : {}), note };
    },
  },
  {
    verb: 'drill',
    usage: '/incident drill <type> [participants…] [--speed N] | /incident drill end [id]',
    summary: l(
      '재해 복구 훈련: [DRILL] 인시던트 (참가자만 호출, 사용자 알림 없음, --speed로 에스컬레이션 가속) / 훈련 종료',
      'rehearse a recovery: a [DRILL] incident (pages only its participants, no user notices, --speed runs the ladder faster) / end it',
    ),
    access: 'contact',
    parse: (args, pack) => parseDrill(args, pack),
  },
  {
    verb: 'list',
    usage: '/incident list [all]',
    summary: l('열린 인시던트 (all: 전체)', 'open incidents (all: every incident)'),
    access: 'anyone',
    parse: (args) => (args[0] && args[0].toLowerCase() !== 'all' ? bad('사용법: /incident list [all]', 'Usage: /incident list [all]') : { verb: 'list', all: args[0]?.toLowerCase() === 'all' }),
  },
  {
    verb: 'status',
    usage: '/incident status [id]',
    summary: l('상태, RTO, 체크리스트, 복구 단계', 'status, RTO clock, checklists, recovery steps'),
    access: 'anyone',
    parse: idThenText('status'),
  },
  {
    verb: 'diag',
    usage: '/incident diag [id] [step]',
    summary: l('읽기 전용 진단 실행', 'run the read-only diagnostics'),
    access: 'contact',
    parse: (args) => {
      const { id, rest } = optionalId(args);
      const step = rest[0]?.toLowerCase();
      if (step && !STEP_REF.test(step)) return bad(`"${step.slice(0, 40)}"은(는) 단계 ID가 아닙니다.`, `"${step.slice(0, 40)}" is not a step id.`);
      return noMore(rest.slice(1), { verb: 'diag', id, step });
    },
  },
  {
    verb: 'snapshot',
    usage: '/incident snapshot [id]',
    summary: l('지금 로그 스냅샷을 찍어 내용을 보여 주기 (호스트 파일 경로 포함)', 'take a log snapshot now and show its content (and its file on the host)'),
    access: 'contact',
    parse: idThenText('snapshot'),
  },
  {
    verb: 'agents',
    usage: '/incident agents',
    summary: l('호스트 에이전트 연결 상태와 마지막 접속 시각', 'host agents: online or offline, last seen'),
    access: 'anyone',
    parse: (args) => noMore(args, { verb: 'agents' }),
  },
  {
    verb: 'approve',
    usage: '/incident approve [id] <step|number> [choice] [again]',
    summary: l('복구 단계 승인 (승인되면 실행; 이미 실행된 단계는 again으로만 다시 실행)', 'approve a recovery step (it runs once approved; one that already ran runs again only with `again`)'),
    access: 'contact',
    parse: approveArgs,
  },
  {
    verb: 'plan',
    usage: '/incident plan [id] <step|number> [choice]',
    summary: l('복구 단계가 호스트에서 바꿀 대상 보기 (읽기 전용: 백업 파일, 커밋, 컨테이너, 프로세스 …)와 고를 수 있는 대상', 'what a recovery step would change on the host (read-only: backup file, commit, containers, processes …) and the targets it may take'),
    access: 'contact',
    parse: (args) => stepAndChoice('plan', args),
  },
  {
    verb: 'run',
    usage: '/incident run [id] <step|number>',
    summary: l('단계 실행 (진단, 수동 단계 완료, 승인된 복구 단계)', 'run a step (diagnostic, manual step done, approved recovery step)'),
    access: 'contact',
    parse: idAndStep('run'),
  },
  {
    verb: 'check',
    usage: '/incident check [id] <item|number>',
    summary: l('체크리스트 항목 완료', 'tick a checklist item'),
    access: 'contact',
    parse: (args) => {
      const r = optionalId(args);
      const item = r.rest[0]?.toLowerCase();
      if (!item || !/^[a-z0-9-]{1,64}$/.test(item)) return bad('체크리스트 항목 ID 또는 번호가 필요합니다.', 'A checklist item id or number is needed.');
      return noMore(r.rest.slice(1), { verb: 'check', id: r.id, item });
    },
  },
  {
    verb: 'ack',
    usage: '/incident ack [id]',
    summary: l('담당 확인 (에스컬레이션은 계속)', 'acknowledge (the ladder keeps climbing)'),
    access: 'contact',
    parse: idThenText('ack'),
  },
  {
    verb: 'escalate',
    usage: '/incident escalate [id]',
    summary: l('다음 에스컬레이션 단계 즉시 호출', 'page the next ladder rung now'),
    access: 'contact',
    parse: idThenText('escalate'),
  },
  {
    verb: 'assign',
    usage: '/incident assign [id] <devops|backend|it_support|cto|commander> <person…>',
    summary: l('역할 담당자 지정', 'assign a person to a role'),
    access: 'contact',
    parse: (args) => {
      const r = optionalId(args);
      const role = r.rest[0]?.toLowerCase();
      if (!role || !ROLES.has(role)) return bad('역할: devops, backend, it_support, cto, commander', 'Role: devops, backend, it_support, cto, commander');
      const person = r.rest.slice(1).join(' ');
      if (!person) return bad('담당자 이름이 필요합니다 (연락처의 이름).', 'A person is needed (a name from the contact list).');
      return { verb: 'assign', id: r.id, role: role as Role | 'commander', person };
    },
  },
  {
    verb: 'note',
    usage: '/incident note [id] <text…>',
    summary: l('타임라인에 메모', 'add a note to the timeline'),
    access: 'contact',
    parse: idThenText('note'),
  },
  {
    verb: 'notify',
    usage: '/incident notify [id] outage|recovered [text…]',
    summary: l('사용자 알림 게시 (장애 / 복구 완료)', 'post the notice to users (outage / recovered)'),
    access: 'contact',
    parse: (args) => {
      const r = optionalId(args);
      const kind = NOTICE_KINDS[r.rest[0]?.toLowerCase() ?? ''];
      if (!kind) return bad('알림 종류가 필요합니다: outage(장애) 또는 recovered(복구)', 'A notice kind is needed: outage or recovered');
      return { verb: 'notify', id: r.id, kind, text: r.rest.slice(1).join(' ') };
    },
  },
  {
    verb: 'resolve',
    usage: '/incident resolve [id] [cause…]',
    summary: l('복구 완료 (원인 기록, 타이머 정지)', 'mark recovered (records the cause, stops timers)'),
    access: 'contact',
    parse: idThenText('resolve'),
  },
  {
    verb: 'close',
    usage: '/incident close [id]',
    summary: l('복구된 인시던트 종료', 'close a resolved incident'),
    access: ['devops', 'cto'],
    parse: idThenText('close'),
  },
  {
    verb: 'report',
    usage: '/incident report [id] [prevention|lessons <text…>]',
    summary: l('사후 보고서 다시 만들기 (재발 방지 대책·교훈 유지) / 재발 방지 대책·교훈에 한 줄 추가', 're-render the post-incident report (keeps prevention and lessons) / add a line to prevention or lessons'),
    access: 'contact',
    parse: (args) => {
      const { id, rest } = optionalId(args);
      if (!rest.length) return { verb: 'report', id };
      const section = KEPT_SECTION_WORDS[rest[0]!.toLowerCase()];
      if (!section) return bad(`"${rest[0]!.slice(0, 40)}" 대신 prevention(재발방지) 또는 lessons(교훈)을 쓰세요.`, `Use prevention or lessons instead of "${rest[0]!.slice(0, 40)}".`);
      const text = rest.slice(1).join(' ').trim();
      if (!text) return bad(`${section}에 추가할 내용이 필요합니다 (예: /incident report prevention 백업 알림 추가).`, `Text to add to ${section} is needed (e.g. /incident report prevention alert on a missing backup).`);
      return { verb: 'report', id, add: { section, text } };
    },
  },
  {
    verb: 'set',
    usage: '/incident set [id] type <t> | impact full|partial|feature | started <HH:MM | ISO time>',
    summary: l('인시던트 정정: 장애 유형, 영향 범위, 발생 시각', 'correct the incident: fault type, impact, when it started'),
    access: 'contact',
    parse: (args, pack) => {
      const { id, rest } = optionalId(args);
      const field = rest[0]?.toLowerCase();
      const value = rest.slice(1);
      if (field === 'type') {
        if (!value[0]) return bad('장애 유형이 필요합니다 (예: /incident set type type3).', 'A fault type is needed (e.g. /incident set type type3).');
        const type = findFaultType(pack, value[0]);
        if (!type) return bad(`알 수 없는 장애 유형 "${value[0].slice(0, 40)}".`, `Unknown fault type "${value[0].slice(0, 40)}".`);
        return noMore(value.slice(1), { verb: 'set', id, change: { field: 'type', type: type.id } });
      }
      if (field === 'impact' || field === 'scope') {
        const scope = value[0] ? SCOPES[value[0].toLowerCase()] : undefined;
        if (!scope) return bad('영향 범위: full(전체), partial(부분), feature(특정 기능)', 'Impact: full, partial or feature');
        return noMore(value.slice(1), { verb: 'set', id, change: { field: 'impact', scope } });
      }
      if (field === 'started' || field === 'start') {
        const when = value.join(' ').trim();
        if (!when) return bad('발생 시각이 필요합니다: HH:MM 또는 ISO 시각 (예: 02:40, 2026-11-28T02:40+09:00).', 'A start time is needed: HH:MM or an ISO time (e.g. 02:40, 2026-11-28T02:40+09:00).');
        return { verb: 'set', id, change: { field: 'started', when: when.slice(0, 64) } };
      }
      return bad('바꿀 항목: type, impact, started', 'What to correct: type, impact or started');
    },
  },
  {
    verb: 'reopen',
    usage: '/incident reopen <id>',
    summary: l('복구 완료 후 24시간 안에 다시 열기', 'reopen a resolved incident (within 24 h of resolve)'),
    access: 'contact',
    parse: (args) => {
      const r = requiredId(args);
      if (isReason(r)) return r;
      return noMore(r.rest, { verb: 'reopen', id: r.id });
    },
  },
  {
    verb: 'stats',
    usage: '/incident stats [type]',
    summary: l('장애 유형별 이력: 건수, MTTR 중앙값·p90, 복구 직전 단계', 'history per fault type: count, MTTR median and p90, the step before recovery'),
    access: 'anyone',
    parse: (args, pack) => {
      if (!args[0]) return { verb: 'stats' };
      const type = findFaultType(pack, args[0]);
      if (!type) return bad(`알 수 없는 장애 유형 "${args[0].slice(0, 40)}". 사용법: /incident stats [type1~type5]`, `Unknown fault type "${args[0].slice(0, 40)}". Usage: /incident stats [type1–type5]`);
      return noMore(args.slice(1), { verb: 'stats', type: type.id });
    },
  },
  {
    verb: 'web',
    usage: '/incident web',
    summary: l('웹 화면 로그인 링크 (본인 전용, 12시간)', 'a sign-in link to the web view (for you only, 12 h)'),
    access: 'contact',
    parse: (args) => noMore(args, { verb: 'web' }),
  },
  {
    verb: 'cancel',
    usage: '/incident cancel [id] <reason…>',
    summary: l('인시던트 취소 (오탐, 중복)', 'cancel an incident (false alarm, duplicate)'),
    access: ['devops', 'cto'],
    parse: idThenText('cancel'),
  },
  {
    verb: 'checks',
    usage: '/incident checks run weekly|monthly|backup-restore | /incident checks done <item> <evidence…>',
    summary: l('주간/월간 점검을 지금 실행', 'run the weekly or monthly checks now'),
    access: 'contact',
    parse: (args) => {
      const schedule = args[1]?.toLowerCase();
      if (args[0]?.toLowerCase() === 'done') {
        const item = args[1]?.toLowerCase();
        if (!item || !/^[a-z0-9-]{1,64}$/.test(item)) return bad('점검 항목 ID가 필요합니다 (예: contacts-review).', 'A check item id is needed (e.g. contacts-review).');
        if (!args[2]) return bad('무엇을 했는지 근거가 필요합니다 (예: /incident checks done contacts-review 전화번호 확인).', 'Evidence is needed: what was done (e.g. /incident checks done contacts-review phone numbers confirmed).');
        return { verb: 'checks', schedule: 'monthly', done: { item, evidence: args.slice(2).join(' ').slice(0, 2000) } };
      }
      if (args[0]?.toLowerCase() === 'run' && schedule === 'backup-restore') return noMore(args.slice(2), { verb: 'checks', schedule: 'monthly', item: 'backup-restore-test' });
      if (args[0]?.toLowerCase() !== 'run' || (schedule !== 'weekly' && schedule !== 'monthly')) {
        return bad('사용법: /incident checks run weekly|monthly|backup-restore', 'Usage: /incident checks run weekly|monthly|backup-restore');
      }
      return noMore(args.slice(2), { verb: 'checks', schedule });
    },
  },
];

/** `drill <type> [participants…] [--speed N]` or `drill end [id]`. */
function parseDrill(args: string[], pack: RunbookPack): Command | Localized {
  const usage = bad('사용법: /incident drill <type> [참가자…] [--speed N] 또는 /incident drill end [id]', 'Usage: /incident drill <type> [participants…] [--speed N] or /incident drill end [id]');
  if (!args[0]) return usage;
  if (/^(end|stop|종료)$/i.test(args[0])) {
    const { id, rest } = optionalId(args.slice(1));
    return noMore(rest, { verb: 'drill', drill: { action: 'end', id } });
  }
  const type = findFaultType(pack, args[0]);
  if (!type) {
    const known = pack.types.map((t) => `type${t.id}`).join(', ');
    return bad(`알 수 없는 장애 유형 "${args[0].slice(0, 40)}". 유형: ${known}`, `Unknown fault type "${args[0].slice(0, 40)}". Types: ${known}`);
  }
  let speed: number | undefined;
  const participants: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const word = args[i]!;
    const inline = /^--speed=(.*)$/i.exec(word);
    if (inline || /^--speed$/i.test(word)) {
      // A second --speed is a typo or a pasted command; taking either silently would run the drill at a speed nobody chose.
      if (speed !== undefined) return bad('--speed는 한 번만 쓸 수 있습니다.', '--speed may be given only once.');
      const value = inline ? inline[1]! : args[++i];
      if (!value || !/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > MAX_DRILL_SPEED) {
        return bad(`--speed는 1~${MAX_DRILL_SPEED} 사이의 정수입니다 (예: --speed 60).`, `--speed takes a whole number from 1 to ${MAX_DRILL_SPEED} (e.g. --speed 60).`);
      }
      speed = Number(value);
      continue;
    }
    if (word.startsWith('--')) return bad(`알 수 없는 옵션 ${word.slice(0, 40)} (--speed N만 있습니다).`, `Unknown option ${word.slice(0, 40)} (only --speed N).`);
    participants.push(word);
  }
  if (participants.length > 50) return bad('참가자는 50명까지입니다.', 'At most 50 participants.');
  return { verb: 'drill', drill: { action: 'start', type: type.id, participants: participants.map((p) => p.slice(0, 200)), speed: speed ?? 1 } };
}

/** The grammar entry of a verb, if drbot has it. */
export function verbSpec(verb: string, grammar: readonly VerbSpec[] = GRAMMAR): VerbSpec | undefined {
  return grammar.find((v) => v.verb === verb);
}

/** Type guard: the parse produced a reason, not a command. */
export function isParseError(v: Command | Localized): v is Localized {
  return isReason(v);
}
