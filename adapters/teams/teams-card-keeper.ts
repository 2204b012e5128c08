import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { teamsMarkdown } from '../../src/markup/teams.js';
import type { Activity, ConversationReference } from 'botbuilder';
import type { Core } from '../../src/app/core.js';
import { formatTime } from '../../src/i18n/format-time.js';
import type { Incident, TimelineEntry } from '../../src/incident/incident.js';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { renderIncidentPicture, renderIncidentReport } from '../../src/report/render-incident-report.js';
import { svgToPng } from '../../src/picture/svg-to-png.js';
import { IncidentThreadRepository } from '../../src/store/incident-thread-repository.js';
import { keepRenewed } from '../../src/store/keep-renewed.js';
import { incidentCard } from '../../src/views/incident-card.js';
import type { ReplyFile } from '../../src/views/view.js';
import { viewActivity } from './reply-activities.js';
import type { TeamsConversations } from './teams-conversations.js';

const PLATFORM = 'teams';

/** Teams refuses activities much over 28 KB; a longer report is cut here and points to its file. */
export const TEAMS_REPORT_MAX_CHARS = 24_000;
/** A file posted under the card (a log snapshot) is kept to its last lines within this (escaped, so a little more room). */
export const TEAMS_FILE_MAX_CHARS = 20_000;

/** How long one replica holds an incident's Teams lane without renewing it (core clock): a replica that died frees it after this. */
const LANE_LEASE_MS = 2 * 60_000;
/** While another replica holds the lane, look again this often (real time). */
const LANE_BUSY_RETRY_MS = 50;
/** Wait at most this long (real time) for a replica that keeps renewing the lane; the work is then skipped and the next change redraws. */
const LANE_WAIT_MS = 10 * 60_000;

/**
 * Keeps one incident card per incident on Teams: posted once (to the ops conversation when
 * configured, else where the incident was first handled on Teams), updated in place on every
 * change, with timeline entries posted under it. Work for one incident runs in order; a burst of
 * changes collapses into one update. With several replicas on one database, one replica at a time
 * works on an incident's card (its lane, a lease in the store renewed while the work runs): the card
 * is posted once, and its updates and thread lines go out in the order the replicas took the lane.
 */
export class TeamsCardKeeper {
  private readonly threads: IncidentThreadRepository;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly refreshQueued = new Set<string>();
  /** Identifies this process in the lane leases. */
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly core: Core,
    private readonly conversations: TeamsConversations,
    private readonly opsConversation?: string,
  ) {
    this.threads = core.store.threads;
  }

  /** Posts the incident's card unless it already has one; `here` is the conversation to use when no ops conversation is configured. */
  ensureCard(incidentId: string, here?: Partial<ConversationReference>, known?: Incident): Promise<void> {
    return this.enqueue(incidentId, async () => {
      if (await this.threads.get(incidentId, PLATFORM)) return;
      const reference = this.opsConversation ? await this.conversations.conversation(this.opsConversation) : here;
      if (!reference) {
        this.core.log.warn({ incidentId, opsConversation: this.opsConversation }, 'Teams: no stored conversation for the incident card; add drbot to the teams.opsConversation channel');
        return;
      }
      const [messageId] = await this.conversations.send({ reference }, [await this.cardActivity(incidentId, known)]);
      if (!messageId) throw new Error(`Teams did not return an id for the card of ${incidentId}`);
      await this.threads.save({ incidentId, platform: PLATFORM, channel: reference.conversation!.id, messageId, createdAt: this.core.clock.now() });
    });
  }

  /** Redraws the incident's card in place, if it has one on Teams; `known` is the incident as the change committed it. */
  refresh(incidentId: string, known?: Incident): Promise<void> {
    if (this.refreshQueued.has(incidentId)) return this.queues.get(incidentId) ?? Promise.resolve();
    this.refreshQueued.add(incidentId);
    return this.enqueue(incidentId, async () => {
      this.refreshQueued.delete(incidentId);
      const thread = await this.threads.get(incidentId, PLATFORM);
      if (!thread) return;
      const reference = await this.conversations.conversation(thread.channel);
      if (!reference) return;
      await this.conversations.update(reference, thread.messageId, await this.cardActivity(incidentId, known));
    });
  }

  /** Posts one timeline line under the incident's card. */
  postTimeline(entry: TimelineEntry): Promise<void> {
    return this.enqueue(entry.incidentId, async () => {
      const thread = await this.threads.get(entry.incidentId, PLATFORM);
      if (!thread) return;
      const reference = await this.conversations.conversation(thread.channel);
      if (!reference) return;
      const text = `\`${formatTime(entry.at, this.core.timeZone)}\` **${teamsMarkdown(entry.actor)}** · ${entry.kind}: ${teamsMarkdown(entry.text)}`;
      await this.conversations.send({ reference, threadOf: thread.messageId }, [{ type: 'message', text, textFormat: 'markdown' }]);
    });
  }

  /**
   * Posts the post-incident report under the incident's card. Bots cannot drop files into a Teams
   * channel without Microsoft Graph, so the report goes in as a Markdown message; one too long for
   * Teams is cut and says where the whole file is.
   */
  postReport(incidentId: string): Promise<void> {
    return this.enqueue(incidentId, async () => {
      const thread = await this.threads.get(incidentId, PLATFORM);
      if (!thread) return;
      const reference = await this.conversations.conversation(thread.channel);
      const incident = await this.core.store.incidents.get(incidentId);
      if (!reference || !incident) return;
      let markdown = await renderIncidentReport(this.core, incident);
      if (markdown.length > TEAMS_REPORT_MAX_CHARS) {
        const where = this.core.lang === 'ko' ? `… (잘림: 전체 보고서는 ${this.core.reportsDir}에 있습니다)` : `… (cut: the whole report is in ${this.core.reportsDir})`;
        markdown = markdown.slice(0, TEAMS_REPORT_MAX_CHARS) + `\n\n${where}`;
      }
      // The timeline picture as an inline image (base64 images do not count against Teams' message size limit).
      const png = svgToPng(await renderIncidentPicture(this.core, incident), { width: 1440 });
      const picture: Partial<Activity> = {
        type: 'message',
        text: this.core.lang === 'ko' ? `${incident.id} 타임라인` : `${incident.id} timeline`,
        attachments: [{ contentType: 'image/png', contentUrl: `data:image/png;base64,${png.toString('base64')}`, name: `${incident.id}-timeline.png` }],
      };
      await this.conversations.send({ reference, threadOf: thread.messageId }, [{ type: 'message', text: markdown, textFormat: 'markdown' }, picture]);
    });
  }

  /**
   * Posts a text file a command brought to the incident (a log snapshot) under its card, as the
   * report is: a Markdown message (bots cannot drop files into a channel without Graph), its end
   * kept when it is too long for Teams, saying so.
   */
  postFile(incidentId: string, file: ReplyFile): Promise<void> {
    return this.enqueue(incidentId, async () => {
      const thread = await this.threads.get(incidentId, PLATFORM);
      if (!thread) return;
      const reference = await this.conversations.conversation(thread.channel);
      if (!reference) return;
      // Escaped line by line, as every Markdown message drbot sends (a fence would let a line of backticks in the log end it),
      // then bounded: the last whole lines that fit, saying how much was left out.
      let body = teamsMarkdown(file.content).replace(/\n/g, '  \n');
      if (body.length > TEAMS_FILE_MAX_CHARS) {
        const tail = body.slice(-TEAMS_FILE_MAX_CHARS);
        const kept = tail.slice(tail.indexOf('\n') + 1);
        const left = body.length - kept.length;
        body = (this.core.lang === 'ko' ? `(앞부분 ${left}자는 생략 — 전체는 호스트의 파일에 있습니다)` : `(the first ${left} characters are left out; the whole file is on the host)`) + '  \n' + kept;
      }
      const text = `**${teamsMarkdown(file.title)}** · ${teamsMarkdown(file.filename)}\n\n${body}`;
      await this.conversations.send({ reference, threadOf: thread.messageId }, [{ type: 'message', text, textFormat: 'markdown' }]);
    });
  }

  /** Resolves when all queued card work has finished. */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.allSettled([...this.queues.values()]);
  }

  private async cardActivity(incidentId: string, known?: Incident) {
    const incident = known ?? (await this.core.store.incidents.get(incidentId));
    if (!incident) throw new Error(`incident ${incidentId} not found`);
    const view = incidentCard(await loadIncidentSnapshot(this.core, incident), this.core.pack, this.core.lang, 'compact');
    return viewActivity(view);
  }

  /** Runs `work` while this replica holds the incident's lane, waiting while another replica holds it. */
  private async inLane(incidentId: string, work: () => Promise<void>): Promise<void> {
    const { store, clock, log } = this.core;
    const lane = `teams:incident:${incidentId}`;
    const giveUpAt = Date.now() + LANE_WAIT_MS;
    while (!(await store.leases.acquire(lane, this.owner, clock.now() + LANE_LEASE_MS, clock.now()))) {
      if (Date.now() >= giveUpAt) throw new Error(`another drbot replica has held the Teams card of ${incidentId} for ${LANE_WAIT_MS / 60_000} minutes`);
      await new Promise((r) => setTimeout(r, LANE_BUSY_RETRY_MS));
    }
    const renewal = keepRenewed(clock, LANE_LEASE_MS, (until) => store.leases.renew(lane, this.owner, until), (err) =>
      log.warn({ err, incidentId }, 'could not renew an incident\'s Teams lane; trying again'),
    );
    try {
      await work();
    } finally {
      await renewal.stop();
      await store.leases.release(lane, this.owner).catch((err: unknown) => log.warn({ err, incidentId }, 'could not release an incident\'s Teams lane; it runs out on its own'));
    }
  }

  private enqueue(incidentId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.queues.get(incidentId) ?? Promise.resolve();
    const next = previous.then(() => this.inLane(incidentId, work)).catch((err: unknown) => {
      this.core.log.error({ err, incidentId }, 'Teams card update failed; the next change retries it');
    });
    this.queues.set(incidentId, next);
    void next.finally(() => {
      if (this.queues.get(incidentId) === next) this.queues.delete(incidentId);
    });
    return next;
  }
}
