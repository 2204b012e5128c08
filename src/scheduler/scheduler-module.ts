import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import { armCheckTimers, checkTimer } from './check-timer.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';

/** Runs the durable timer loop (ladder, RTO alarms, quiet reminders, weekly and monthly checks) for drbot's lifetime. */
export class SchedulerModule implements DrbotModule {
  readonly name = 'scheduler';
  /** Overdue timers fire on the first pass: the platforms' page senders and the agents must be there by then. */
  readonly after = ['slack', 'teams', 'agent-link'];
  private scheduler?: Scheduler;

  constructor(private readonly options: SchedulerOptions = {}) {}

  async start(app: AppContext): Promise<void> {
    const { runtime } = app;
    await armCheckTimers(runtime, runtime.store);
    const scheduler = new Scheduler(runtime, { ...this.options, handlers: [...(this.options.handlers ?? []), checkTimer(runtime, runtime.checks)] });
    // Opening an incident or escalating writes timers due now: wake the loop instead of waiting.
    runtime.events.onIncident(() => scheduler.wake());
    this.scheduler = scheduler;
    scheduler.start();
    runtime.log.info({ owner: scheduler.owner }, 'scheduler started');
  }

  async stop(deadline: number): Promise<void> {
    await this.scheduler?.stop(deadline);
  }
}
