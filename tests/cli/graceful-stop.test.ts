import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { ActionRequest, ActionResult } from '../../src/agentlink/agent-port.js';
import { startDrbot } from '../../src/app/start-drbot.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { LogCapture } from '../logging/log-capture.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { aDrbotHome } from './drbot-process.js';

/** An agent that holds one action until the test lets it go. */
class GatedAgentPort extends ScriptedAgentPort {
  held?: ActionRequest;
  private release?: () => void;

  constructor(private readonly gatedAction: string) {
    super();
  }

  override async run(request: ActionRequest): Promise<ActionResult> {
    if (request.action !== this.gatedAction) return super.run(request);
    this.held = request;
    await new Promise<void>((resolve) => (this.release = resolve));
    return { status: 'ok', summary: 'restarted', output: '' };
  }

  letGo(): void {
    this.release?.();
  }
}

describe('graceful stop', () => {
  const { home, configPath } = aDrbotHome();
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  async function start(agents: GatedAgentPort, capture = new LogCapture()) {
    const dataDir = mkdtempSync(join(tmpdir(), 'drbot-stop-'));
    const drbot = await startDrbot({
      env: { DRBOT_CONFIG: configPath, DATA_DIR: dataDir, PORT: '0', DRBOT_LANG: 'en', LOG_LEVEL: 'warn' },
      console: true,
      output: new PassThrough(),
      clock: new VirtualClock(TUESDAY_10_KST),
      agents,
      logDestination: capture,
    });
    return { drbot, dataDir, kim: drbot.console!.currentActor };
  }

  const until = async (what: string, cond: () => boolean) => {
    const limit = Date.now() + 30_000;
    while (!cond()) {
      if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  it('refuses new commands at once, finishes the one in flight, then closes the store with everything written', async () => {
    const agents = new GatedAgentPort('compose_service_restart');
    const { drbot, dataDir, kim } = await start(agents);
    const { router } = drbot.app;
    const id = (await router.dispatch('/incident open type1 full predictor down', kim)).incidentId!;
    const approving = router.dispatch(`/incident approve ${id} restart-predictor`, kim);
    await until('the restart to reach the agent', () => agents.held !== undefined);

    let stopped = false;
    const stopping = drbot.stop(30_000).then(() => (stopped = true));
    expect(router.accepting).toBe(false);
    const refused = await router.dispatch(`/incident note ${id} late words`, kim);
    expect(refused.refused).toBe(true);
    expect(refused.views[0]?.summary).toBe('drbot is shutting down; try again in a moment (nothing was changed).');
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);

    agents.letGo();
    const reply = await approving;
    expect(reply.refused ?? false).toBe(false);
    await stopping;

    const store = await SqliteStore.open(join(dataDir, 'drbot.sqlite'));
    try {
      const runs = await store.incidents.stepRuns(id);
      expect(runs.find((r) => r.stepId === 'restart-predictor')).toMatchObject({ status: 'ok', summary: 'restarted' });
      const timeline = await store.incidents.timeline(id);
      expect(timeline.some((e) => e.kind === 'step' && e.data?.step === 'restart-predictor')).toBe(true);
      expect(timeline.filter((e) => e.kind === 'note')).toEqual([]);
    } finally {
      await store.close();
    }
  }, 30_000);

  it('stops at the deadline when a command never finishes, and says so in the log', async () => {
    const agents = new GatedAgentPort('compose_service_restart');
    const capture = new LogCapture();
    const { drbot, kim } = await start(agents, capture);
    const { router } = drbot.app;
    const id = (await router.dispatch('/incident open type1 full predictor down', kim)).incidentId!;
    void router.dispatch(`/incident approve ${id} restart-predictor`, kim);
    await until('the restart to reach the agent', () => agents.held !== undefined);
    await drbot.stop(100);
    expect(capture.records().some((r) => r.msg === 'commands still running at the shutdown deadline; their transactions roll back whole')).toBe(true);
    agents.letGo();
  }, 30_000);
});
