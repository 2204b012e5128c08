import type { Actor } from '../app/actor.js';
import type { Core } from '../app/core.js';
import { UniqueViolationError } from '../errors/drbot-error.js';
import { dayKey } from '../i18n/format-time.js';
import type { FaultType, Role } from '../runbook/pack-schema.js';
import { allChecklistItems } from '../runbook/checklist-items.js';
import type { IncidentWithRecords } from '../store/incident-repository.js';
import type { Store } from '../store/store.js';
import { canTransition, type ImpactScope, type Incident, type IncidentStatus, type TimelineEntry, type TimelineKind } from './incident.js';
import { originOf, type IncidentChange } from './incident-events.js';
import { formatIncidentId, normaliseIncidentId } from './incident-id.js';
import type { IncidentRecords } from './incident-snapshot.js';
import { checklistItemText, DRILL_TAG, type DrillPlan } from './drill.js';
import { openingTimers, TIMER } from './timer-kinds.js';
import { formatTime } from '../i18n/format-time.js';
import { parseStartTime } from '../i18n/parse-start-time.js';
import type { Correction } from '../router/command.js';
import { ok, refuse, type Outcome } from './outcome.js';
import { translator } from '../i18n/lang.js';

/** Checklist items the engine ticks by itself when an incident opens. */
const TICKED_ON_OPEN = ['record-time', 'identify-type'];

/** The checklist item ticked when someone states the impact (at open or with `set impact`). */
const IMPACT_ITEM = 'impact-scope';

/** How long after its resolve an incident may be reopened. */
export const REOPEN_WINDOW_MS = 24 * 3_600_000;

/** Input of `open`. */
export interface OpenInput {
  type: FaultType;
  /** The impact the opener gave; left out, the incident counts as `full` and the impact item stays unticked. */
  scope?: ImpactScope;
  note: string;
  actor: Actor;
  /** Platform event id (Slack trigger, retried request); a second open with the same key returns the first incident. */
  dedupeKey?: string;
  /** Opens a drill (issue 15): pages only its participants, its timers run at its speed. */
  drill?: DrillPlan;
}

/** The incident lifecycle: open, acknowledge, escalate, assign, note, tick, resolve, close, cancel. */
export class IncidentService {
  constructor(private readonly core: Core) {}

  /**
   * Opens an incident with its timers, in one transaction; idempotent per dedupe key. A new
   * incident comes with the records the open committed around it (its ticks and timeline line),
   * so its first card needs no read.
   */
  async open(input: OpenInput): Promise<{ incident: Incident; created: boolean; records?: IncidentRecords }> {
    const { store, clock, pack, timeZone } = this.core;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await store.writeTransaction(async (tx) => {
          if (input.dedupeKey) {
            const existing = await tx.incidents.findByDedupeKey(input.dedupeKey);
            if (existing) return { incident: existing, created: false, entries: [] as TimelineEntry[], records: undefined };
          }
          const now = clock.now();
          const day = dayKey(now, timeZone);
          const seq = await tx.incidents.nextSeq(day);
          const incident: Incident = {
            id: formatIncidentId(day, seq),
            day,
            seq,
            type: input.type.id,
            scope: input.scope ?? 'full',
            status: 'open',
            note: input.note,
            host: pack.host,
            openedBy: input.actor.name,
            openedAt: now,
            commander: input.actor.contact ? input.actor.name : undefined,
            level: 0,
            dedupeKey: input.dedupeKey,
            lastActivityAt: now,
            assignments: {},
            ...(input.drill ? { drill: true, drillPlan: input.drill } : {}),
          };
          await tx.incidents.insert(incident);
          const drill = input.drill
            ? this.t(
                ` — 참가자: ${input.drill.participants.join(', ')}${input.drill.speed > 1 ? `, 속도 ×${input.drill.speed}` : ''}`,
                ` — participants: ${input.drill.participants.join(', ')}${input.drill.speed > 1 ? `, speed ×${input.drill.speed}` : ''}`,
              )
            : '';
          const entries = [
            await this.append(
              tx,
              incident,
              input.actor,
              'opened',
              `${input.drill ? DRILL_TAG + ' ' : ''}Type ${input.type.id} ${input.type.title[this.core.lang]} (${incident.scope})${input.note ? ': ' + input.note : ''}${drill}`,
              { type: input.type.id, scope: incident.scope, ...(input.drill ? { drill: { ...input.drill } } : {}) },
              true,
            ),
          ];
          const ticked = input.scope ? [...TICKED_ON_OPEN, IMPACT_ITEM] : TICKED_ON_OPEN;
          await tx.incidents.tickMany(incident.id, ticked, input.actor.name, now);
          await tx.timers.scheduleNew(incident.id, openingTimers(pack, now, input.drill?.speed ?? 1, input.type));
          const records: IncidentRecords = { ticks: ticked.map((itemId) => ({ itemId, doneBy: input.actor.name, doneAt: now })), approvals: [], runs: [], timeline: entries };
          return { incident, created: true, entries, records };
        });
        if (result.created) this.announce(result.incident.id, 'opened', result.entries, input.actor, { incident: result.incident, requestKey: input.dedupeKey });
        return { incident: result.incident, created: result.created, records: result.records };
      } catch (err) {
        // Another process took the same per-day sequence number: try the next one.
        if (attempt < 5 && err instanceof UniqueViolationError) continue;
        throw err;
      }
    }
  }

  /**
   * Finds the incident a command is about: the typed id, or the only open incident when none is typed.
   */
  async target(idToken: string | undefined): Promise<Outcome<Incident>> {
    if (idToken) {
      const id = normaliseIncidentId(idToken);
      if (!id) return refuse(`"${clip(idToken)}"은(는) 인시던트 ID가 아닙니다 (예: INC-20261126-001).`, `"${clip(idToken)}" is not an incident id (e.g. INC-20261126-001).`);
      const incident = await this.core.store.incidents.get(id);
      if (!incident) return refuse(`인시던트 ${id}을(를) 찾을 수 없습니다. \`/incident list\`로 확인하세요.`, `No incident ${id}. See \`/incident list\`.`);
      return ok(incident);
    }
    const open = await this.core.store.incidents.list(['open'], 10);
    if (open.length === 1) return ok(open[0]!);
    if (open.length === 0) return refuse('열린 인시던트가 없습니다. ID를 지정하세요.', 'No incident is open; give an incident id.');
    return refuse(
      `열린 인시던트가 여러 개입니다. ID를 지정하세요: ${open.map((i) => i.id).join(', ')}`,
      `Several incidents are open; give an id: ${open.map((i) => i.id).join(', ')}`,
    );
  }

  /**
   * `target`, with the incident's records read in the same statement (what a card shows): one
   * statement for the common cases (the only open incident, a typed id that exists). The refusals
   * (none or several open, a bad or unknown id) are target()'s own, read again by it.
   */
  async targetWithRecords(idToken: string | undefined): Promise<Outcome<IncidentWithRecords>> {
    const incidents = this.core.store.incidents;
    if (!idToken) {
      const open = await incidents.listWithRecords('open', 2);
      if (open.length === 1) return ok(open[0]!);
    } else {
      const id = normaliseIncidentId(idToken);
      const hit = id ? await incidents.getWithRecords(id) : undefined;
      if (hit) return ok(hit);
    }
    // None or several open, or no such id: target() says which (reading again, so it sees any change since).
    const found = await this.target(idToken);
    if (!found.ok) return found;
    return ok({ incident: found.value, records: await incidents.records(found.value.id) });
  }

  /** Records who is on it; the ladder keeps climbing (the procedure escalates by incident age). */
  async ack(incident: Incident, actor: Actor): Promise<Outcome<Incident>> {
    if (incident.status !== 'open') return notOpen(incident);
    return this.mutate(incident, actor, 'ack', { ko: `${actor.name} 확인(ack)`, en: `acknowledged by ${actor.name}` }, (i) => ({
      ...i,
      ackedBy: i.ackedBy ?? actor.name,
      ackedAt: i.ackedAt ?? this.core.clock.now(),
      commander: i.commander ?? actor.name,
    }));
  }

  /** Asks for the next ladder level now; the scheduler pages it at once. */
  async escalate(incident: Incident, actor: Actor): Promise<Outcome<{ incident: Incident; level: number }>> {
    if (incident.status !== 'open') return notOpen(incident);
    const fired = new Set(
      (await this.core.store.timers.forIncident(incident.id)).filter((t) => TIMER.isLadder(t.kind) && t.firedAt !== undefined).map((t) => t.kind),
    );
    const next = this.core.pack.ladder.find((r) => !fired.has(TIMER.ladder(r.level)) && r.level > 0);
    if (!next) return refuse('이미 에스컬레이션 최상위 단계입니다.', 'The ladder is already at its top rung.');
    const now = this.core.clock.now();
    const entries: TimelineEntry[] = [];
    await this.core.store.writeTransaction(async (tx) => {
      await tx.timers.schedule(incident.id, TIMER.ladder(next.level), now, { level: next.level, manual: true, by: actor.name });
      entries.push(await this.append(tx, incident, actor, 'escalate', this.t(`${actor.name}: ${next.level}단계(${next.title.ko})로 즉시 에스컬레이션`, `${actor.name}: escalate now to level ${next.level} (${next.title.en})`), { level: next.level }));
    });
    this.announce(incident.id, 'updated', entries, actor);
    return ok({ incident, level: next.level });
  }

  /** Assigns a person to a role (or `commander`) for this incident. */
  async assign(incident: Incident, actor: Actor, role: Role | 'commander', person: string): Promise<Outcome<Incident>> {
    if (incident.status !== 'open') return notOpen(incident);
    const contact = this.core.contacts.byName(person);
    if (!contact) return refuse(`연락처에 "${clip(person)}"이(가) 없습니다.`, `No contact named "${clip(person)}".`);
    if (role !== 'commander' && !contact.roles.includes(role)) {
      return refuse(`${contact.name}은(는) ${role} 역할이 아닙니다 (${contact.roles.join(', ')}).`, `${contact.name} does not hold the ${role} role (${contact.roles.join(', ')}).`);
    }
    return this.mutate(incident, actor, 'assign', { ko: `${role} → ${contact.name} (지정: ${actor.name})`, en: `${role} → ${contact.name} (by ${actor.name})` }, (i) =>
      role === 'commander' ? { ...i, commander: contact.name } : { ...i, assignments: { ...i.assignments, [role]: contact.name } },
    );
  }

  /** Adds a free-text note to the timeline. */
  async note(incident: Incident, actor: Actor, text: string): Promise<Outcome<Incident>> {
    return this.mutate(incident, actor, 'note', { ko: text, en: text }, (i) => i);
  }

  /** Ticks a checklist item by id or by its number in `/incident status`. */
  async check(incident: Incident, actor: Actor, itemToken: string): Promise<Outcome<{ itemId: string; already: boolean }>> {
    const items = allChecklistItems(this.core.pack);
    const byNumber = /^\d+$/.test(itemToken) ? items[Number(itemToken) - 1] : undefined;
    const found = byNumber ?? items.find((i) => i.item.id === itemToken.toLowerCase());
    if (!found) {
      return refuse(
        `체크리스트 항목 "${clip(itemToken)}"이(가) 없습니다. 항목: ${items.map((i) => i.item.id).join(', ')}`,
        `No checklist item "${clip(itemToken)}". Items: ${items.map((i) => i.item.id).join(', ')}`,
      );
    }
    const r = await this.tick(incident, actor, found.item.id);
    return ok({ itemId: found.item.id, already: !r });
  }

  /** Ticks an item (by the engine or a person); false when it was already ticked. `text` says what was done when the item's own text does not fit (a drill's report). */
  async tick(incident: Incident, actor: Actor, itemId: string, text?: string): Promise<boolean> {
    const entries: TimelineEntry[] = [];
    const item = allChecklistItems(this.core.pack).find((i) => i.item.id === itemId);
    const ticked = await this.core.store.writeTransaction(async (tx) => {
      const fresh = await tx.incidents.tick(incident.id, itemId, actor.name, this.core.clock.now());
      if (fresh) entries.push(await this.append(tx, incident, actor, 'checklist', `☑ ${text ?? (item ? checklistItemText(item.item, incident, this.core.lang) : itemId)}`, { item: itemId }));
      return fresh;
    });
    if (ticked) this.announce(incident.id, 'updated', entries, actor);
    return ticked;
  }

  /**
   * Corrects an open incident: its fault type (the runbook shown changes; the timeline, ticks and
   * approvals stay), its impact (ticks the impact item), or when it really started (the RTO clock,
   * ladder and alarms move with it; one already past fires once, now). The change is on the timeline.
   */
  async correct(incident: Incident, actor: Actor, change: Correction): Promise<Outcome<Incident>> {
    if (incident.status !== 'open') return notOpen(incident);
    const { pack, timeZone } = this.core;
    if (change.field === 'type') {
      const type = pack.types.find((t) => t.id === change.type);
      if (!type) return refuse(`장애 유형 ${change.type}이(가) 없습니다.`, `There is no fault type ${change.type}.`);
      if (type.id === incident.type) return refuse(`${incident.id}은(는) 이미 Type ${type.id}입니다.`, `${incident.id} is already Type ${type.id}.`);
      const from = pack.types.find((t) => t.id === incident.type);
      return this.mutate(
        incident,
        actor,
        'correction',
        {
          ko: `장애 유형 정정: Type ${incident.type}${from ? ` ${from.title.ko}` : ''} → Type ${type.id} ${type.title.ko} (${actor.name})`,
          en: `fault type corrected: Type ${incident.type}${from ? ` ${from.title.en}` : ''} → Type ${type.id} ${type.title.en} (by ${actor.name})`,
        },
        (i) => ({ ...i, type: type.id }),
      );
    }
    if (change.field === 'impact') {
      return this.mutate(
        incident,
        actor,
        'correction',
        { ko: `영향 범위: ${incident.scope} → ${change.scope} (${actor.name})`, en: `impact: ${incident.scope} → ${change.scope} (by ${actor.name})` },
        (i) => ({ ...i, scope: change.scope }),
        async (tx) => {
          await tx.incidents.tick(incident.id, IMPACT_ITEM, actor.name, this.core.clock.now());
        },
      );
    }
    const now = this.core.clock.now();
    const parsed = parseStartTime(change.when, now, timeZone);
    if (!parsed.ok) {
      return parsed.reason === 'future'
        ? refuse(`"${clip(change.when)}"은(는) 아직 오지 않은 시각입니다.`, `"${clip(change.when)}" is in the future.`)
        : refuse(`"${clip(change.when)}"을(를) 시각으로 읽을 수 없습니다: HH:MM 또는 ISO 시각 (예: 02:40, 2026-11-28T02:40+09:00).`, `Cannot read "${clip(change.when)}" as a time: use HH:MM or an ISO time (e.g. 02:40, 2026-11-28T02:40+09:00).`);
    }
    const at = parsed.at;
    if (at === incident.openedAt) return refuse(`${incident.id}의 발생 시각은 이미 ${formatTime(at, timeZone)}입니다.`, `${incident.id} already started at ${formatTime(at, timeZone)}.`);
    return this.mutate(
      incident,
      actor,
      'correction',
      {
        ko: `발생 시각 정정: ${formatTime(incident.openedAt, timeZone)} → ${formatTime(at, timeZone)} (${actor.name}); RTO·에스컬레이션이 따라 움직입니다`,
        en: `start corrected: ${formatTime(incident.openedAt, timeZone)} → ${formatTime(at, timeZone)} (by ${actor.name}); the RTO clock and the ladder follow`,
      },
      (i) => ({ ...i, openedAt: at }),
      (tx, updated) => this.rearmTimers(tx, updated, now),
    );
  }

  /**
   * Reopens a resolved incident within 24 h of its resolve: the RTO clock runs on from the original
   * start, the ladder and alarms not yet fired are armed again (one already past fires once, now).
   */
  async reopen(incident: Incident, actor: Actor): Promise<Outcome<Incident>> {
    if (incident.status !== 'resolved') {
      return refuse(
        incident.status === 'open' ? `${incident.id}은(는) 이미 열려 있습니다.` : `${incident.id}은(는) ${incident.status} 상태라 다시 열 수 없습니다. 새 인시던트를 여세요.`,
        incident.status === 'open' ? `${incident.id} is already open.` : `${incident.id} is ${incident.status}; it cannot be reopened. Open a new incident.`,
      );
    }
    const now = this.core.clock.now();
    if (incident.resolvedAt !== undefined && now - incident.resolvedAt > REOPEN_WINDOW_MS) {
      return refuse(
        `${incident.id}은(는) 복구 완료 후 24시간이 지나 다시 열 수 없습니다 (${formatTime(incident.resolvedAt, this.core.timeZone)} 복구). 새 인시던트를 여세요.`,
        `${incident.id} was resolved more than 24 h ago (${formatTime(incident.resolvedAt, this.core.timeZone)}); open a new incident instead.`,
      );
    }
    return this.transition(
      incident,
      actor,
      'open',
      (i) => ({ ...i, status: 'open', resolvedAt: undefined, resolvedBy: undefined }),
      { ko: `다시 열림 (${actor.name})`, en: `reopened by ${actor.name}` },
    );
  }

  /** Moves the incident's unfired opening timers to count from its (corrected) start; the quiet reminder counts from `now`. */
  private async rearmTimers(tx: Store, incident: Incident, now: number): Promise<void> {
    const speed = incident.drillPlan?.speed ?? 1;
    const quiet = openingTimers(this.core.pack, now, speed).find((t) => t.kind === TIMER.quiet);
    for (const timer of openingTimers(this.core.pack, incident.openedAt, speed)) {
      await tx.timers.schedule(incident.id, timer.kind, timer.kind === TIMER.quiet && quiet ? quiet.dueAt : timer.dueAt, timer.payload);
    }
  }

  /** Marks the incident recovered: stops the RTO clock and every timer. */
  async resolve(incident: Incident, actor: Actor, cause: string): Promise<Outcome<Incident>> {
    return this.transition(incident, actor, 'resolved', (i, now) => ({ ...i, status: 'resolved', resolvedAt: now, resolvedBy: actor.name, cause: cause || i.cause }), {
      ko: `복구 완료 처리 (${actor.name})${cause ? ': ' + cause : ''}`,
      en: `resolved by ${actor.name}${cause ? ': ' + cause : ''}`,
    });
  }

  /** Closes a resolved incident (the report is final). */
  async close(incident: Incident, actor: Actor): Promise<Outcome<Incident>> {
    return this.transition(incident, actor, 'closed', (i, now) => ({ ...i, status: 'closed', closedAt: now }), {
      ko: `종료 (${actor.name})`,
      en: `closed by ${actor.name}`,
    });
  }

  /** Cancels an open incident (false alarm, duplicate) and stops its timers. */
  async cancel(incident: Incident, actor: Actor, reason: string): Promise<Outcome<Incident>> {
    return this.transition(incident, actor, 'cancelled', (i, now) => ({ ...i, status: 'cancelled', cancelledAt: now, cancelReason: reason }), {
      ko: `취소 (${actor.name}): ${reason}`,
      en: `cancelled by ${actor.name}: ${reason}`,
    });
  }

  /**
   * Appends a timeline entry inside a transaction (callers announce after commit). `inserted`: `tx`
   * inserted the incident's row itself, as `incident` is (an open), so its activity time is known.
   */
  async append(tx: Store, incident: Incident, actor: Actor, kind: TimelineKind, text: string, data?: Record<string, unknown>, inserted = false): Promise<TimelineEntry> {
    return tx.incidents.appendTimeline({ incidentId: incident.id, at: this.core.clock.now(), actor: actor.name, kind, text, data }, inserted ? incident.lastActivityAt : undefined);
  }

  /** Appends one entry in its own transaction and announces it. */
  async record(incident: Incident, actor: Actor, kind: TimelineKind, text: string, data?: Record<string, unknown>): Promise<TimelineEntry> {
    const entry = await this.core.store.writeTransaction((tx) => this.append(tx, incident, actor, kind, text, data));
    this.announce(incident.id, 'updated', [entry], actor);
    return entry;
  }

  /** Tells listeners about committed changes: each timeline entry, then the change with who made it and from where. */
  announce(incidentId: string, change: IncidentChange, entries: TimelineEntry[], actor: Actor, more: { incident?: Incident; requestKey?: string } = {}): void {
    for (const e of entries) this.core.events.timeline(e);
    this.core.events.incident({ incidentId, change, origin: originOf(actor, more.requestKey), incident: more.incident, entries });
  }

  private async transition(
    incident: Incident,
    actor: Actor,
    to: IncidentStatus,
    apply: (i: Incident, now: number) => Incident,
    text: { ko: string; en: string },
  ): Promise<Outcome<Incident>> {
    if (!canTransition(incident.status, to)) {
      return refuse(
        `${incident.id}은(는) ${incident.status} 상태라 ${to}(으)로 바꿀 수 없습니다.`,
        `${incident.id} is ${incident.status}; it cannot become ${to}.`,
      );
    }
    const result = await this.mutate(incident, actor, 'status', text, (i) => apply(i, this.core.clock.now()), async (tx, updated) => {
      if (to === 'open') await this.rearmTimers(tx, updated, this.core.clock.now());
      else if (to !== 'closed') await tx.timers.cancelForIncident(updated.id, this.core.clock.now());
    }, to);
    return result;
  }

  private async mutate(
    incident: Incident,
    actor: Actor,
    kind: TimelineKind,
    text: { ko: string; en: string },
    apply: (i: Incident) => Incident,
    also?: (tx: Store, updated: Incident) => Promise<void>,
    change?: IncidentStatus,
  ): Promise<Outcome<Incident>> {
    const entries: TimelineEntry[] = [];
    let committed: Incident | undefined;
    const outcome = await this.core.store.writeTransaction(async (tx): Promise<Outcome<Incident>> => {
      const current = await tx.incidents.get(incident.id);
      if (!current) return refuse(`인시던트 ${incident.id}이(가) 없습니다.`, `No incident ${incident.id}.`);
      if (change && !canTransition(current.status, change)) {
        return refuse(`${current.id}은(는) 이미 ${current.status} 상태입니다.`, `${current.id} is already ${current.status}.`);
      }
      const updated = apply(current);
      await tx.incidents.save(updated);
      const entry = await this.append(tx, updated, actor, kind, this.t(text.ko, text.en), change ? { status: change } : undefined);
      entries.push(entry);
      if (also) await also(tx, updated);
      // The entry marked the incident active (appendTimeline): the committed row says so too.
      committed = { ...updated, lastActivityAt: Math.max(updated.lastActivityAt, entry.at) };
      return ok(committed);
    });
    if (outcome.ok) this.announce(incident.id, change === 'resolved' || change === 'closed' || change === 'cancelled' ? change : 'updated', entries, actor, { incident: committed });
    return outcome;
  }

  private t(ko: string, en: string): string {
    return translator(this.core.lang)(ko, en);
  }
}

function notOpen<T>(incident: Incident): Outcome<T> {
  return refuse(`${incident.id}은(는) 열려 있지 않습니다 (${incident.status}).`, `${incident.id} is not open (${incident.status}).`);
}

/** Shortens user input echoed back in a message. */
export function clip(text: string, max = 40): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters from echoed input is the point
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > max ? clean.slice(0, max) + '…' : clean;
}
