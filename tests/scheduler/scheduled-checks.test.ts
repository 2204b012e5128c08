import { afterEach, describe, expect, it } from '@jest/globals';
import type { View } from '../../src/views/view.js';
import { armCheckTimers } from '../../src/scheduler/check-timer.js';
import { nextCheckAt } from '../../src/scheduler/scheduled-checks.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { renderText } from '../../src/views/render-text.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { HOUR, kst, MIN } from './scheduler-harness.js';

let core: TestRuntime;
let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop(Date.now() + 1000);
  scheduler = undefined;
  await core?.close();
});

describe('scheduled checks', () => {
  it('computes the next Monday 10:00 and the next 1st of the month in Asia/Seoul', () => {
    expect(nextCheckAt('0 10 * * 1', 'Asia/Seoul', kst(2026, 11, 24, 10, 0))).toBe(kst(2026, 11, 30, 10, 0));
    expect(nextCheckAt('0 10 1 * *', 'Asia/Seoul', kst(2026, 11, 24, 10, 0))).toBe(kst(2026, 12, 1, 10, 0));
  });

  it('`/incident checks run weekly` with the agent offline fails the host items, says why, and offers the incident to open', async () => {
    core = await buildTestRuntime();
    const reply = await core.router.dispatch('/incident checks run weekly', core.as('Kim DevOps'));
    const text = await replyText(reply);
    expect(reply.refused).toBeFalsy();
    expect(text).toContain('Weekly check (Mondays 10:00)');
    expect(text).toContain('0 ok, 0 warn, 4 fail');
    expect(text).toContain('agent offline: no agent is connected for routing-ml');
    expect(text).toContain('/incident open type1');
    expect(text).toContain('/incident open type2');
  });

  it('takes each host fact from its agent action: ok, warn and fail per item', async () => {
    const agent = new ScriptedAgentPort()
      .answer('http_health', { status: 'ok', summary: 'status ok in 12 ms' })
      .answer('disk_usage', { status: 'warn', summary: '83% used' })
      .answer('backup_age', { status: 'fail', summary: 'newest backup is 80 h old (limit 72 h)' })
      .answer('log_sizes', { status: 'ok', summary: '1.2 GB' });
    core = await buildTestRuntime({ agents: agent });
    const reply = await core.router.dispatch('/incident checks run weekly', core.as('Kim DevOps'));
    const text = await replyText(reply);
    expect(agent.requests.map((r) => r.action)).toEqual(['http_health', 'disk_usage', 'backup_age', 'log_sizes']);
    expect(text).toContain('2 ok, 1 warn, 1 fail');
    expect(text).toContain('newest backup is 80 h old (limit 72 h)');
    expect(text).toContain('/incident open type2');
    expect(text).not.toContain('/incident open type1');
  });

  it('the monthly check reports the contact-list review and the hand-done items', async () => {
    core = await buildTestRuntime({ now: kst(2027, 1, 20, 10, 0), contacts: { reviewed: '2026-11-26', contacts: [{ name: 'Kim DevOps', roles: ['devops'], available: 'always', pageVia: ['chat'] }] } });
    const text = await replyText(await core.router.dispatch('/incident checks run monthly', core.as('Kim DevOps')));
    expect(text).toContain('last reviewed 55 days ago (2026-11-26), more than 30');
    expect(text).toContain('due this month (done by a person)');
  });

  it('refuses a schedule it does not know, and changes nothing', async () => {
    core = await buildTestRuntime();
    const reply = await core.router.dispatch('/incident checks run daily', core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('Usage: /incident checks run weekly|monthly');
  });

  it('runs the weekly check on Monday 10:00 and posts it to the ops channel, once per week, late after downtime', async () => {
    core = await buildTestRuntime({ now: kst(2026, 11, 29, 23, 0) });
    const posted: View[] = [];
    core.ops.register({ post: async (view) => void posted.push(view) });
    await armCheckTimers(core, core.store);
    await armCheckTimers(core, core.store);
    scheduler = new Scheduler(core, { handlers: core.timerHandlers });
    scheduler.start();
    await scheduler.whenIdle();
    await core.clock.advance(11 * HOUR - MIN);
    await scheduler.whenIdle();
    expect(posted).toHaveLength(0);
    await core.clock.advance(MIN);
    await scheduler.whenIdle();
    expect(posted.map((v) => v.summary)).toEqual(['Weekly check (Mondays 10:00): 0 ok, 0 warn, 4 fail']);
    expect(renderText(posted[0]!)).toContain('2026-11-30 10:00');

    // Down over the next Monday: the missed run happens once, on start, and says how late it is.
    await scheduler.stop(Date.now() + 1000);
    await core.clock.advance(7 * 24 * HOUR + 2 * HOUR);
    scheduler = new Scheduler(core, { handlers: core.timerHandlers });
    scheduler.start();
    await scheduler.whenIdle();
    // The monthly check of December 1st was missed too: it also runs once, late. The two late checks
    // run side by side, so they are posted in whichever order they finish.
    expect(posted[0]!.summary).toBe('Weekly check (Mondays 10:00): 0 ok, 0 warn, 4 fail');
    expect(posted.slice(1).map((v) => v.summary).sort()).toEqual([
      'Monthly check (1st of the month): 1 ok, 2 warn, 1 fail (ran 146 h 0 min late)',
      'Weekly check (Mondays 10:00): 0 ok, 0 warn, 4 fail (ran 2 h 0 min late)',
    ]);
    const weekly = (await core.store.timers.forIncident('')).find((t) => t.kind === 'check-weekly')!;
    expect(weekly.dueAt).toBe(kst(2026, 12, 14, 10, 0));
  });
});
