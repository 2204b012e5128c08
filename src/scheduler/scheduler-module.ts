import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import { armCheckTimers } from './check-timer.js';
import type { Scheduler } from './scheduler.js';

/** Runs the runtime's durable timer loop (ladder, RTO alarms, quiet reminders, weekly and monthly checks) for drbot's lifetime. */
export class SchedulerModule implements DrbotModule {
  readonly name = 'scheduler';
  /** Overdue timers fire on the first pass: the platforms' page senders and the agents must be there by then. */
  readonly after = ['slack', 'teams', 'agent-link'];
  private scheduler?: Scheduler;

  async start(app: AppContext): Promise<void> {
    const { runtime } = app;
    await armCheckTimers(runtime, runtime.store);
    this.scheduler = runtime.scheduler;
    // It wakes early when an incident changes (src/incident/incident-reactions.ts).
    runtime.scheduler.start();
    runtime.log.info({ owner: runtime.scheduler.owner }, 'scheduler started');
  }

  async stop(deadline: number): Promise<void> {
    await this.scheduler?.stop(deadline);
  }
}
