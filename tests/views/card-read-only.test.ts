import { afterEach, describe, expect, it } from '@jest/globals';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import { incidentCard } from '../../src/views/incident-card.js';
import { renderText } from '../../src/views/render-text.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
afterEach(() => core?.close());

describe('read-only mode on the card, and switching it off again', () => {
  it('the card says read-only mode is on from the approved switch until the approved switch-off', async () => {
    const agent = new ScriptedAgentPort();
    agent.answer('plan', { status: 'ok', summary: 'plan', data: { target: 'config/app.yaml app.read_only', facts: [] } });
    agent.answer('set_read_only_mode', { status: 'ok', summary: 'read-only mode changed' });
    core = await buildTestRuntime({ agents: agent });
    const id = (await core.router.dispatch('/incident open type2', core.as('Kim DevOps'))).incidentId!;
    const card = async () => renderText(incidentCard(await loadIncidentSnapshot(core!, (await core!.store.incidents.get(id))!), core!.pack, 'en', 'compact'));
    expect(await card()).not.toContain('Read-only mode');

    const on = await core.router.dispatch(`/incident approve ${id} enable-read-only-mode`, core.as('Kim DevOps'));
    expect(on.refused).toBeFalsy();
    expect(await card()).toMatch(/Read-only mode\s*: ⚠️ ON since 2026-11-24 10:00 \(nothing is saved\)/);
    expect(await card()).toContain(`switch it off: /incident approve ${id} disable-read-only-mode`);

    // Switching it off is a step approved like the one that switched it on (same approvers).
    const stranger = await core.router.dispatch(`/incident approve ${id} disable-read-only-mode`, core.as('Choi Network'));
    expect(stranger.refused).toBe(true);
    expect(await replyText(stranger)).toContain('needs devops or backend');
    const off = await core.router.dispatch(`/incident approve ${id} disable-read-only-mode`, core.as('Lee Backend'));
    expect(off.refused).toBeFalsy();
    const sent = agent.requests.filter((r) => r.action === 'set_read_only_mode').map((r) => r.params.enabled);
    expect(sent).toEqual([true, false]);
    expect(await card()).not.toContain('Read-only mode');
  });
});
