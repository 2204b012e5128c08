import { afterEach, describe, expect, it } from '@jest/globals';
import { incidentChannelName } from '../../adapters/slack/incident-channel-name.js';
import type { NoticeChannel, UserNotice } from '../../src/notify/notice-channel.js';
import { replyViews } from '../../src/views/view.js';
import { replyText } from '../support/reply-text.js';
import { byDrbot, HOUR, MIN, pagedPeople, schedulerHarness, type SchedulerHarness } from '../scheduler/scheduler-harness.js';

let h: SchedulerHarness;
afterEach(async () => h?.close());

/** A user-facing channel that keeps what it was asked to post. */
class RecordingNoticeChannel implements NoticeChannel {
  readonly name = 'slack';
  posted: UserNotice[] = [];
  async post(notice: UserNotice): Promise<string> {
    this.posted.push(notice);
    return 'slack #routing-ml-users';
  }
}

async function send(line: string, as = 'Kim DevOps') {
  const reply = await h.core.router.dispatch(line, h.core.as(as));
  await h.core.events.settled();
  await h.scheduler.whenIdle();
  return { reply, text: await replyText(reply) };
}

describe('/incident drill', () => {
  it('opens a DRILL incident that pages only whoever started it, at its own speed, while a real incident keeps real time', async () => {
    h = await schedulerHarness();
    const real = await h.open(1, 'Park DevOps');
    const { reply, text } = await send('/incident drill type1 --speed 60', 'Park DevOps');
    const id = reply.incidentId!;
    expect(text).toContain(`[DRILL] Drill ${id} started`);
    expect(text).toContain(`[DRILL] ${id} · Type 1`);
    const drill = (await h.core.store.incidents.get(id))!;
    expect(drill.drill).toBe(true);
    expect(drill.drillPlan).toEqual({ participants: ['Park DevOps'], speed: 60 });

    // Two real minutes are two drill hours: every rung and the goal alarm came, all to Park.
    await h.advance(2 * MIN);
    expect(pagedPeople(await h.deliveries(id))).toEqual(['0:Park DevOps:sent', '1:Park DevOps:sent', '2:Park DevOps:sent', '3:Park DevOps:sent']);
    await h.advance(2 * MIN);
    expect(pagedPeople(await h.deliveries(id))).toContain('100:Park DevOps:sent');
    const drillPages = h.printed.filter((l) => l.includes(id));
    expect(drillPages.length).toBe(5);
    for (const line of drillPages) expect(line).toMatch(/^\[DRILL\] PAGE → Park DevOps /);
    expect(byDrbot(await h.timeline(id), 'page').map((e) => e.text)).toContainEqual(expect.stringContaining('drill: Park DevOps stands in for backend'));

    // The real incident opened at the same time is still at level 0, paged in real time.
    expect(pagedPeople(await h.deliveries(real.id))).toEqual(['0:Kim DevOps:sent']);
    expect(h.printed.filter((l) => l.includes(real.id)).every((l) => l.startsWith('PAGE → '))).toBe(true);
    await h.advance(30 * MIN - 4 * MIN);
    expect(pagedPeople(await h.deliveries(real.id))).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent']);
    // Nobody outside the drill was ever paged for it.
    expect(new Set((await h.deliveries(id)).map((d) => d.person))).toEqual(new Set(['Park DevOps']));
  });

  it('pages the participant holding each role, lets the first participant stand in for the others, and never pages anyone else', async () => {
    h = await schedulerHarness();
    const { reply } = await send('/incident drill type2 Kim DevOps, lee backend --speed 60');
    const id = reply.incidentId!;
    expect((await h.core.store.incidents.get(id))!.drillPlan!.participants).toEqual(['Kim DevOps', 'Lee Backend']);
    await h.advance(9 * HOUR / 60);
    const people = pagedPeople(await h.deliveries(id));
    expect(people).toEqual(expect.arrayContaining(['0:Kim DevOps:sent', '1:Lee Backend:sent', '2:Kim DevOps:sent', '3:Kim DevOps:sent', '100:Kim DevOps:sent', '101:Kim DevOps:sent']));
    expect(people.some((p) => /Choi Network|Jung CTO|Park DevOps/.test(p))).toBe(false);
    // The card's rung holder is the participant, so Slack invites nobody else.
    expect((await send(`/incident status ${id}`)).text).toMatch(/3\. .* — Kim DevOps/);
  });

  it('never sends user notices: the notice is rehearsed, shown, and its item ticked', async () => {
    h = await schedulerHarness();
    const channel = new RecordingNoticeChannel();
    h.core.notices.register(channel);
    const id = (await send('/incident drill type2')).reply.incidentId!;
    const { text } = await send(`/incident notify ${id} outage DB down`);
    expect(text).toContain('[DRILL] A drill: nothing was sent to users');
    expect(text).toContain('[DRILL] [Outage]');
    expect(channel.posted).toEqual([]);
    expect((await h.core.store.incidents.checklist(id)).map((t) => t.itemId)).toContain('user-notice');
  });

  it('ends with /incident drill end, is left out of statistics, and refuses what it cannot do without changing anything', async () => {
    h = await schedulerHarness();
    const id = (await send('/incident drill type1')).reply.incidentId!;
    const refused = async (line: string, expected: string) => {
      const before = await h.core.store.tableRows('incidents');
      const { reply, text } = await send(line);
      expect(reply.refused).toBe(true);
      expect(text).toContain(expected);
      expect(await h.core.store.tableRows('incidents')).toEqual(before);
    };
    await refused('/incident drill type1 Nobody Known', 'No contact matches "Nobody"');
    await refused('/incident drill type1 --speed 0', '--speed takes a whole number from 1 to 3600');
    await refused('/incident drill type1 --speed fast', '--speed takes a whole number');
    await refused('/incident drill type9', 'Unknown fault type "type9"');
    await refused('/incident drill type1 --fast', 'Unknown option --fast');
    const real = await h.open(1);
    await refused(`/incident drill end ${real.id}`, 'is not a drill');

    const { text } = await send('/incident drill end');
    expect(text).toContain(`[DRILL] Drill ${id} ended.`);
    const ended = (await h.core.store.incidents.get(id))!;
    expect(ended.status).toBe('resolved');
    await h.core.incidents.resolve(real, h.core.as('Kim DevOps'), 'fixed');
    const stats = await h.core.history.recentOf(1);
    expect(stats!.recovered).toBe(1);
    await refused('/incident drill end', 'No drill is open');
  });

  it('answers every bad /incident drill with a clear message and changes nothing: no incident, timer, timeline line, page or message', async () => {
    h = await schedulerHarness();
    const tables = ['incidents', 'timeline', 'timers', 'deliveries', 'outbox', 'approvals', 'step_runs', 'agent_requests'] as const;
    const everything = async () => Promise.all(tables.map((t) => h.core.store.tableRows(t)));
    const refused = async (line: string, expected: string) => {
      const before = await everything();
      const printed = h.printed.length;
      const { reply, text } = await send(line);
      expect(reply.refused).toBe(true);
      expect(text).toContain(expected);
      await h.advance(MIN);
      expect(await everything()).toEqual(before);
      expect(h.printed.length).toBe(printed);
    };
    await refused('/incident drill', 'Usage: /incident drill <type> [participants…] [--speed N]');
    await refused('/incident drill typo', 'Unknown fault type "typo". Types: type1, type2, type3, type4, type5');
    await refused('/incident drill type1 --speed', '--speed takes a whole number from 1 to 3600 (e.g. --speed 60).');
    await refused('/incident drill type1 --speed 3601', '--speed takes a whole number from 1 to 3600');
    await refused('/incident drill type1 --speed 1.5', '--speed takes a whole number from 1 to 3600');
    await refused('/incident drill type1 --speed 60 --speed=600', '--speed may be given only once.');
    await refused('/incident drill type1 --speed -60', '--speed takes a whole number from 1 to 3600');
    await refused('/incident drill type1 --speed=0', '--speed takes a whole number from 1 to 3600');
    // One unknown name among known ones: the whole drill is refused, the name said, nobody paged.
    await refused('/incident drill type1 Kim DevOps, Lee Backend, Ghost Person --speed 60', 'No contact matches "Ghost". Name participants by their contact-list name, Slack mention or email. No drill was started.');
    await refused('/incident drill type1 <@U0NOBODY>', 'No contact matches "<@U0NOBODY>"');
    await refused('/incident drill type1 nobody@example.com', 'No contact matches "nobody@example.com"');
    // The process is still up and a good drill starts after all of them.
    const ok = await send('/incident drill type1 Kim DevOps --speed=60');
    expect(ok.reply.refused).toBeFalsy();
    expect((await h.core.store.incidents.get(ok.reply.incidentId!))!.drillPlan).toEqual({ participants: ['Kim DevOps'], speed: 60 });
  });

  it('makes the monthly DR-test item ok for 31 days after a completed drill, else a warning with the button that starts one', async () => {
    h = await schedulerHarness();
    const drillItem = async () => {
      const { reply } = await send('/incident checks run monthly');
      const views = await replyViews(reply);
      const list = views[0]!.blocks.find((b) => b.type === 'list');
      return list && list.type === 'list' ? list.items.find((i) => i.text.includes('(dr-drill)'))! : undefined;
    };
    const before = (await drillItem())!;
    expect(before.mark).toBe('warn');
    expect(before.detail).toContain('no drill has been completed yet; start one: /incident drill type1');
    expect(before.action).toEqual({ label: '/incident drill type1', command: '/incident drill type1', style: 'primary' });
    // The button is the typed command: it starts a drill.
    const id = (await send(before.action!.command)).reply.incidentId!;
    expect((await h.core.store.incidents.get(id))!.drill).toBe(true);
    // Open is not completed.
    expect((await drillItem())!.mark).toBe('warn');
    await send(`/incident drill end ${id}`);
    const after = (await drillItem())!;
    expect(after.mark).toBe('ok');
    expect(after.detail).toContain(`(${id}, Type 1, 0 days ago)`);
    expect(after.action).toBeUndefined();
    // The same drill, finished 32 days before now.
    const done = (await h.core.store.incidents.get(id))!;
    await h.core.store.incidents.save({ ...done, resolvedAt: h.clock.now() - 32 * 24 * HOUR });
    const stale = (await drillItem())!;
    expect(stale.mark).toBe('warn');
    expect(stale.detail).toContain('the last drill was 32 days ago');
  });

  it('names its Slack channel #drill-…', () => {
    expect(incidentChannelName({ day: '20261124', type: 2, seq: 3, drill: true })).toBe('drill-20261124-type2-003');
    expect(incidentChannelName({ day: '20261124', type: 2, seq: 3 })).toBe('inc-20261124-type2-003');
  });
});
