import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import { armCheckTimers, checkTimer } from './check-timer.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** Runs the durable timer loop (ladder, RTO alarms, quiet reminders, weekly and monthly checks) for drbot's lifetime. */
export class SchedulerModule implements DrbotModule {
  readonly name = 'scheduler';
  private scheduler?: Scheduler;

  constructor(private readonly options: SchedulerOptions = {}) {}

  /** The running scheduler (tests wait on it). */
  get current(): Scheduler | undefined {
    return this.scheduler;
  }

  async start(app: AppContext): Promise<void> {
    const { core } = app;
    await armCheckTimers(core, core.store);
    const scheduler = new Scheduler(core, { ...this.options, handlers: [...(this.options.handlers ?? []), checkTimer(core)] });
    // Opening an incident or escalating writes timers due now: wake the loop instead of waiting.
    core.events.onIncident(() => scheduler.wake());
    this.scheduler = scheduler;
    scheduler.start();
    core.log.info({ owner: scheduler.owner }, 'scheduler started');
  }

  async stop(deadline: number): Promise<void> {
    await this.scheduler?.stop(deadline);
  }
}
