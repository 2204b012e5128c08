import type { AppContext, DrbotModule } from '../app/drbot-module.js';

/** Writes the post-incident report whenever an incident is resolved (and its final version when it is closed), and on start any a crash left unwritten. */
export class ReportModule implements DrbotModule {
  readonly name = 'reports';

  async start(app: AppContext): Promise<void> {
    const { reports, log, reportsDir } = app.runtime;
    reports.subscribe();
    const caughtUp = await reports.writeMissing();
    log.info({ reportsDir, caughtUp: caughtUp.map((r) => r.shownPath) }, 'post-incident reports are written on resolve');
  }

  /** Nothing of its own to stop: a report being written is a listener that start-drbot waits for (`events.settled()`). */
  async stop(_deadline: number): Promise<void> {}
}
