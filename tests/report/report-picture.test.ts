import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeReport } from '../../src/incident/incident-reactions.js';
import { num, parseSvg } from '../picture/parse-svg.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { aDeadBackendAgent, runScriptedIncident } from './scripted-incident.js';

let core: TestRuntime;
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drbot-report-picture-'));
  core = await buildTestRuntime({ lang: 'en', agents: aDeadBackendAgent(), reportsDir: join(dir, 'reports') });
  core.events.onIncident((e) => (e.change === 'resolved' || e.change === 'closed' ? writeReport(core, e) : undefined));
});
afterEach(async () => {
  await core.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the timeline picture beside the post-incident report', () => {
  it('is written as <report>.svg and linked under the summary; a second report of the day gets its own', async () => {
    const { id } = await runScriptedIncident(core);
    const md = await readFile(join(core.reportsDir, '2026-11-24.md'), 'utf8');
    expect(md).toMatch(/## Summary\n(- .*\n)+\n!\[Timeline\]\(2026-11-24\.svg\)\n\n## Cause/);
    const svg = parseSvg(await readFile(join(core.reportsDir, '2026-11-24.svg'), 'utf8'));
    expect(svg.one('g', 'rto-mark', ['data-mark', 'goal']).getAttribute('data-minutes')).toBe('240');
    const runs = await core.store.incidents.stepRuns(id);
    expect(svg.all('rect', 'span')).toHaveLength(runs.length);
    expect(num(svg.one('rect', 'rto-elapsed'), 'width')).toBeGreaterThan(0);

    await runScriptedIncident(core);
    const second = await readFile(join(core.reportsDir, '2026-11-24-2.md'), 'utf8');
    expect(second).toContain('![Timeline](2026-11-24-2.svg)');
    parseSvg(await readFile(join(core.reportsDir, '2026-11-24-2.svg'), 'utf8'));
  });
});
