import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Core } from '../../src/app/core.js';
import type { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { Incident, TimelineEntry } from '../../src/incident/incident.js';
import { IncidentService } from '../../src/incident/incident-service.js';
import { ConsolePageSender } from '../../src/notify/console-page-sender.js';
import type { FaultType } from '../../src/runbook/pack-schema.js';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import { type Delivery } from '../../src/store/delivery-repository.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

/** Epoch ms of a local time in Asia/Seoul (UTC+9, no DST). */
export function kst(year: number, month: number, day: number, hour: number, minute = 0): number {
  return Date.UTC(year, month - 1, day, hour - 9, minute);
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;

/** A test core with a running scheduler, console pages captured as lines, and helpers to step time. */
export interface SchedulerHarness {
  core: TestRuntime;
  clock: VirtualClock;
  scheduler: Scheduler;
  incidents: IncidentService;
  /** `PAGE → …` lines the console sender printed. */
  printed: string[];
  open(type?: number, actor?: string): Promise<Incident>;
  /** Moves the virtual clock forward and waits until the scheduler has acted on everything due. */
  advance(ms: number): Promise<void>;
  /** Moves the clock to an absolute time. */
  advanceTo(at: number): Promise<void>;
  deliveries(incidentId: string): Promise<Delivery[]>;
  timeline(incidentId: string): Promise<TimelineEntry[]>;
  /** Starts a new scheduler on the same core (after `stop`), like a restarted process. */
  restart(options?: Partial<SchedulerOptions>): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the harness; `build` options go to `buildTestRuntime`. */
export async function schedulerHarness(
  build: Parameters<typeof buildTestRuntime>[0] = {},
  options: Partial<SchedulerOptions> = {},
  platforms: { console: boolean } = { console: true },
): Promise<SchedulerHarness> {
  const core = await buildTestRuntime(build);
  const printed: string[] = [];
  if (platforms.console) core.chat.register(new ConsolePageSender((line) => printed.push(line)));
  const incidents = core.incidents;
  let scheduler = new Scheduler(core, { handlers: core.timerHandlers, ...options });
  core.events.onIncident(() => scheduler.wake());
  scheduler.start();
  await scheduler.whenIdle();
  const harness: SchedulerHarness = {
    core,
    clock: core.clock,
    get scheduler() {
      return scheduler;
    },
    incidents,
    printed,
    async open(type = 1, actor = 'Kim DevOps') {
      const faultType = core.pack.types.find((t) => t.id === type) as FaultType;
      const { incident } = await incidents.open({ type: faultType, scope: 'full', note: '', actor: core.as(actor) });
      await core.events.settled();
      await scheduler.whenIdle();
      return incident;
    },
    async advance(ms) {
      await core.clock.advance(ms);
      await scheduler.whenIdle();
      await core.events.settled();
    },
    async advanceTo(at) {
      await harness.advance(at - core.clock.now());
    },
    deliveries: (id) => core.store.deliveries.forIncident(id),
    timeline: (id) => core.store.incidents.timeline(id),
    async restart(more = options) {
      scheduler = new Scheduler(core, { handlers: core.timerHandlers, ...more });
      scheduler.start();
      await scheduler.whenIdle();
      await core.events.settled();
    },
    stop: () => scheduler.stop(Date.now() + 5_000),
    async close() {
      await scheduler.stop(Date.now() + 5_000);
      await core.close();
    },
  };
  return harness;
}

/** A fresh SQLite file path under the system temp directory. */
export function tmpDbFile(prefix = 'drbot-sched-'): string {
  return join(mkdtempSync(join(tmpdir(), prefix)), 'drbot.sqlite');
}

/** The core's drbot-written timeline lines of one kind. */
export function byDrbot(entries: TimelineEntry[], kind?: TimelineEntry['kind']): TimelineEntry[] {
  return entries.filter((e) => e.actor === 'drbot' && (!kind || e.kind === kind));
}

/** Who was paged (sent) for each level, in order. */
export function pagedPeople(deliveries: Delivery[]): string[] {
  return deliveries.map((d) => `${d.level}:${d.person}:${d.status}`);
}

export type { Core };
