import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDrbotWithAgent, type DrbotWithAgent } from '../e2e/support/start-drbot-with-agent.js';

let dir: string;
let h: DrbotWithAgent | undefined;
let blocker: Server | undefined;

afterEach(async () => {
  await h?.drbot.stop(2_000);
  h = undefined;
  blocker?.close();
  blocker = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function agentConfig() {
  return {
    id: 'routing-ml',
    stateDir: join(dir, 'agent-state'),
    demoHost: join(dir, 'host'),
    snapshotDir: join(dir, 'snapshots'),
    logs: { backend: join(dir, 'host/logs/backend.log') },
    processes: { uvicorn: { match: ['uvicorn', 'no-such-port-drbot-test'] } },
    ports: [8000],
    portMap: { 8000: 1 },
    targets: { backend: { url: 'http://127.0.0.1:1/api/health', timeoutMs: 500 } },
  };
}

describe('AgentLinkModule in console mode', () => {
  it('falls back to an in-memory link when the HTTP port is taken, and diagnoses a new incident at once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drbot-agentlink-'));
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(0, '0.0.0.0', () => r()));
    const busy = (blocker.address() as { port: number }).port;
    h = await startDrbotWithAgent(dir, agentConfig(), { port: busy });
    expect(h.drbot.port).toBeUndefined();
    expect(h.drbot.app.runtime.agents.presence('routing-ml').online).toBe(true);
    expect(existsSync(join(dir, 'host/logs/backend.log'))).toBe(true); // the demo host was laid out

    await h.dispatch('/incident open type1', h.as('Kim DevOps'));
    const [incident] = await h.drbot.app.runtime.store.incidents.list(['open']);
    const timeline = await h.drbot.app.runtime.store.incidents.timeline(incident!.id);
    const summary = timeline.filter((e) => e.kind === 'diagnostics');
    expect(summary).toHaveLength(1);
    expect(summary[0]!.text).toContain('❌ check-process');
    expect(summary[0]!.text).toContain('❌ check-port-8000');
    expect(summary[0]!.text).toContain('❌ check-health');
    const ticks = (await h.drbot.app.runtime.store.incidents.checklist(incident!.id)).map((t) => t.itemId);
    expect(ticks).toContain('log-snapshot');
    expect(h.output()).toContain(`${incident!.id} diagnostics`);
  }, 30_000);

  it('streams the progress lines of a long step (retraining) into the incident timeline', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drbot-agentlink-'));
    const script = 'for (let i = 1; i <= 12; i++) console.log(`epoch ${i}/12 loss ${(1 / i).toFixed(3)}`)';
    h = await startDrbotWithAgent(dir, {
      ...agentConfig(),
      retrain: { recipe: { command: process.execPath, args: ['-e', script, '{dataset}', '{name}'] }, datasets: { training: join(dir, 'host/data/training_dataset.csv') } },
    });
    await h.dispatch('/incident open type5', h.as('Kim DevOps'));
    const [incident] = await h.drbot.app.runtime.store.incidents.list(['open']);
    await h.dispatch(`/incident approve ${incident!.id} retrain-model`, h.as('Kim DevOps'));
    let progress: string[] = [];
    for (let i = 0; i < 100 && !progress.length; i++) {
      progress = (await h.drbot.app.runtime.store.incidents.timeline(incident!.id)).filter((e) => e.text.startsWith('⏳ retrain_model')).map((e) => e.text);
      if (!progress.length) await new Promise((r) => setTimeout(r, 20));
    }
    expect(progress).toHaveLength(1);
    expect(progress[0]).toContain('(2 earlier lines left out)');
    expect(progress[0]).toContain('epoch 12/12 loss 0.083');
    const runs = await h.drbot.app.runtime.store.incidents.stepRuns(incident!.id);
    expect(runs.find((r) => r.stepId === 'retrain-model')).toMatchObject({ status: 'ok' });
  }, 30_000);

  it('starts without the embedded agent when its config is invalid: no diagnostics, the card says the host is offline', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drbot-agentlink-'));
    h = await startDrbotWithAgent(dir, { ...agentConfig(), id: 'Not A Valid Id' });
    expect(h.drbot.app.runtime.agents.presence('routing-ml').online).toBe(false);
    const reply = await h.dispatch('/incident open type1', h.as('Kim DevOps'));
    expect(reply).toContain('routing-ml offline');
    const [incident] = await h.drbot.app.runtime.store.incidents.list(['open']);
    expect((await h.drbot.app.runtime.store.incidents.timeline(incident!.id)).some((e) => e.kind === 'diagnostics')).toBe(false);
  }, 30_000);
});
