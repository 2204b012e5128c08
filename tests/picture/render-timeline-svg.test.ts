import { afterEach, describe, expect, it } from '@jest/globals';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import type { IncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { renderTimelineSvg } from '../../src/picture/render-timeline-svg.js';
import { HOUR, MIN, type SchedulerHarness } from '../scheduler/scheduler-harness.js';
import { aPagedIncident } from './a-paged-incident.js';
import { num, parseSvg } from './parse-svg.js';

let harness: SchedulerHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function pictureOf(options: Parameters<typeof aPagedIncident>[0] = {}): Promise<{ svg: string; snap: IncidentSnapshot }> {
  const made = await aPagedIncident(options);
  harness = made.harness;
  const { core } = made.harness;
  const snap = await loadIncidentSnapshot(core, (await core.store.incidents.get(made.id))!);
  return { snap, svg: renderTimelineSvg(snap, { pack: core.pack, lang: core.lang, timeZone: core.timeZone }) };
}

describe('the timeline picture of an incident', () => {
  it('marks the RTO goal at 4 h and the limit at 8 h on the RTO bar, the limit twice as far as the goal', async () => {
    const { svg } = await pictureOf();
    const doc = parseSvg(svg);
    const goal = doc.one('g', 'rto-mark', ['data-mark', 'goal']);
    const limit = doc.one('g', 'rto-mark', ['data-mark', 'limit']);
    expect(goal.getAttribute('data-minutes')).toBe('240');
    expect(limit.getAttribute('data-minutes')).toBe('480');
    const barStart = num(doc.one('rect', 'rto-elapsed'), 'x');
    const goalX = num(goal.getElementsByTagName('line')[0]!, 'x1');
    const limitX = num(limit.getElementsByTagName('line')[0]!, 'x1');
    expect(limitX - barStart).toBeCloseTo(2 * (goalX - barStart), 0);
    expect(goal.textContent).toContain('goal 4 h');
    expect(limit.textContent).toContain('limit 8 h');
    // 1 h 23 min elapsed: the elapsed bar ends about a sixth of the way to the limit.
    const elapsed = doc.one('rect', 'rto-elapsed');
    expect(elapsed.getAttribute('data-elapsed-minutes')).toBe('83');
    expect(num(elapsed, 'width') / (limitX - barStart)).toBeCloseTo(83 / 480, 2);
  });

  it('draws one span per step run, in its step row, coloured by the outcome and ordered by start', async () => {
    const { svg, snap } = await pictureOf();
    const doc = parseSvg(svg);
    const spans = doc.all('rect', 'span');
    expect(snap.runs.length).toBeGreaterThanOrEqual(6);
    expect(spans).toHaveLength(snap.runs.length);
    expect(spans.map((s) => s.getAttribute('data-request')).sort()).toEqual(snap.runs.map((r) => r.requestId).sort());
    for (const run of snap.runs) {
      const span = spans.find((s) => s.getAttribute('data-request') === run.requestId)!;
      expect(span.getAttribute('data-step')).toBe(run.stepId);
      expect(span.getAttribute('data-status')).toBe(run.status);
    }
    const colourOf = (status: string) => new Set(spans.filter((s) => s.getAttribute('data-status') === status).map((s) => s.getAttribute('fill')));
    expect(colourOf('ok').size).toBe(1);
    expect(colourOf('fail').size).toBe(1);
    expect([...colourOf('ok')][0]).not.toBe([...colourOf('fail')][0]);
    const restart = spans.find((s) => s.getAttribute('data-step') === 'restart-predictor')!;
    const diag = spans.find((s) => s.getAttribute('data-step') === 'check-process')!;
    expect(num(restart, 'x')).toBeGreaterThan(num(diag, 'x'));
    // Diagnostics rows come before recovery rows.
    const groups = doc.all('g', 'row').map((g) => g.getAttribute('data-group'));
    expect(groups.indexOf('diagnostics')).toBeLessThan(groups.indexOf('steps'));
  });

  it('shows who was paged on which rung, when and through which channel', async () => {
    const { svg, snap } = await pictureOf();
    const doc = parseSvg(svg);
    const sent = doc.all('circle', 'page').filter((c) => c.getAttribute('data-outcome') === 'sent');
    const pageEntries = snap.timeline.filter((e) => e.kind === 'page' && e.data?.ok === true);
    expect(pageEntries.length).toBe(3);
    expect(sent.map((c) => [c.getAttribute('data-level'), c.getAttribute('data-person'), c.getAttribute('data-via')])).toEqual(
      pageEntries.map((e) => [String(e.data!.level), e.data!.person, e.data!.via]),
    );
    // DevOps at once, the backend developer at 30 min, IT support at 1 h (resolved at 1 h 23 min).
    expect(sent.map((c) => c.getAttribute('data-level'))).toEqual(['0', '1', '2']);
    const [p0, p1] = sent.map((c) => num(c, 'cx'));
    const tick30 = doc.all('text', 'tick').find((t) => t.textContent === '30 min');
    expect(tick30).toBeDefined();
    expect(p1!).toBeCloseTo(num(tick30!, 'x'), 0);
    expect(p0!).toBeLessThan(p1!);
    expect(svg).toContain(`${pageEntries[1]!.data!.person} · ${pageEntries[1]!.data!.via}`);
  });

  it('marks approvals (both approvers of a destructive step) and notes, and the moment of recovery', async () => {
    const { svg, snap } = await pictureOf();
    const doc = parseSvg(svg);
    const approvals = doc.all('path', 'approval');
    expect(approvals).toHaveLength(snap.approvals.reduce((n, a) => n + (a.secondAt ? 2 : 1), 0));
    expect(approvals.map((a) => a.getAttribute('data-step'))).toEqual(expect.arrayContaining(['restart-predictor', 'restart-backend-local']));
    expect(doc.all('rect', 'note')).toHaveLength(snap.timeline.filter((e) => e.kind === 'note').length);
    expect(doc.all('rect', 'note')).toHaveLength(1);
    expect(doc.one('g', 'moment', ['data-moment', 'resolved'])).toBeDefined();
    expect(doc.all('g', 'moment').filter((g) => g.getAttribute('data-moment') === 'now')).toHaveLength(0);
  });

  it('escapes every text: a hostile note stays text in well-formed XML', async () => {
    const { svg, snap } = await pictureOf();
    const note = snap.timeline.find((e) => e.kind === 'note')!;
    expect(note.text).toContain('<script>');
    const doc = parseSvg(svg);
    expect(doc.all('script')).toHaveLength(0);
    expect(doc.all('img')).toHaveLength(0);
    expect(doc.root.childNodes.length).toBeGreaterThan(3);
    const tip = doc.one('rect', 'note').getElementsByTagName('title')[0]!.textContent!;
    expect(tip).toContain('<script>alert("x")</script>');
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('\u0001');
  });

  it('an open incident past its goal: the bar is past the goal mark, the goal line and "now" are on the detail axis', async () => {
    const made = await aPagedIncident({ resolve: false });
    harness = made.harness;
    await harness.advance(5 * HOUR);
    const { core } = harness;
    const snap = await loadIncidentSnapshot(core, (await core.store.incidents.get(made.id))!);
    const doc = parseSvg(renderTimelineSvg(snap, { pack: core.pack, lang: 'ko', timeZone: core.timeZone }));
    const elapsed = doc.one('rect', 'rto-elapsed');
    const goalX = num(doc.one('g', 'rto-mark', ['data-mark', 'goal']).getElementsByTagName('line')[0]!, 'x1');
    expect(num(elapsed, 'x') + num(elapsed, 'width')).toBeGreaterThan(goalX);
    expect(elapsed.getAttribute('fill')).toBe('#e65100');
    expect(doc.one('g', 'moment', ['data-moment', 'goal'])).toBeDefined();
    expect(doc.one('g', 'moment', ['data-moment', 'now'])).toBeDefined();
    expect(doc.one('g', 'rto-mark', ['data-mark', 'goal']).textContent).toContain('목표 4시간');
    // The CTO rung (2 h) was paged too.
    expect(doc.all('circle', 'page').filter((c) => c.getAttribute('data-outcome') === 'sent').map((c) => c.getAttribute('data-level'))).toEqual(['0', '1', '2', '3']);
    expect(snap.now - snap.incident.openedAt).toBeGreaterThan(5 * HOUR + 20 * MIN);
  });
});
