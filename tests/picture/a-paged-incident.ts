import { aDeadBackendAgent } from '../report/scripted-incident.js';
import { MIN, schedulerHarness, type SchedulerHarness } from '../scheduler/scheduler-harness.js';
import type { Lang } from '../../src/i18n/lang.js';

/** A note whose text tries to break out of any markup it is put in. */
export const HOSTILE_NOTE = `</text></svg><script>alert("x")</script> & 'quoted' <img src=x onerror=alert(1)>\u0001`;

/**
 * A Type 1 incident driven through the router with the scheduler running, so its timeline holds
 * real ladder pages: opened 10:00 by Kim DevOps, diagnostics 10:05, restart-predictor approved and
 * run 10:20, a hostile note 10:25, the backend developer paged at 10:30, restart-backend-local
 * approved by Lee Backend 10:40, resolved 11:23 (or left open when `resolve` is false).
 */
export async function aPagedIncident(options: { lang?: Lang; resolve?: boolean } = {}): Promise<{ harness: SchedulerHarness; id: string }> {
  const harness = await schedulerHarness({ lang: options.lang ?? 'en', agents: aDeadBackendAgent() });
  const { core } = harness;
  const kim = core.as('Kim DevOps');
  const lee = core.as('Lee Backend');
  const must = async (text: string, actor = kim) => {
    const reply = await core.router.dispatch(text, actor);
    if (reply.refused) throw new Error(`refused: ${text}: ${reply.views.map((v) => v.summary).join(' / ')}`);
    await core.events.settled();
    await harness.scheduler.whenIdle();
    return reply;
  };
  const id = (await must('/incident open type1 full predictor down')).incidentId!;
  await harness.advance(5 * MIN);
  await must(`/incident diag ${id}`);
  await harness.advance(15 * MIN);
  await must(`/incident approve ${id} restart-predictor`);
  await harness.advance(5 * MIN);
  await must(`/incident note ${id} ${HOSTILE_NOTE}`);
  await harness.advance(15 * MIN);
  await must(`/incident approve ${id} restart-backend-local`, lee);
  await harness.advance(43 * MIN);
  if (options.resolve !== false) await must(`/incident resolve ${id} predictor OOM`);
  return { harness, id };
}
