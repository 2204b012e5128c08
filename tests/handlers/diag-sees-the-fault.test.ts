import { afterEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { demoAccdb, demoPickle } from '../../src/agent/demo-host.js';
import { anAgentConfig } from '../support/an-agent-config.js';
import { startOnHost, type HostRuntime } from '../support/host-runtime.js';
import { replyText } from '../support/reply-text.js';
import type { TestRuntime } from '../support/test-runtime.js';

let onHost: HostRuntime | undefined;
afterEach(async () => {
  await onHost?.close();
  onHost = undefined;
});

/** A host tree with the given live Access file and model, a healthy backup and two model versions. */
async function start(liveDb: Buffer, liveModel: Buffer): Promise<TestRuntime> {
  onHost = await startOnHost(
    anAgentConfig()
      .file('db/routing.accdb', liveDb)
      .file('backup/routing_20261123.accdb', Buffer.concat([demoAccdb(''), randomBytes(32 * 1024)]))
      .file('models/v20250901/model.pkl', demoPickle('model 0901'))
      .file('models/latest/model.pkl', liveModel),
  );
  return onHost.core;
}

describe('diagnostics that see the fault, on real files through the console commands', () => {
  it('Type 2: check-db-file fails on a corrupted .accdb and names the missing signature', async () => {
    const c = await start(randomBytes(32 * 1024), demoPickle('model 0901'));
    await c.router.dispatch('/incident open type2', c.as('Kim DevOps'));
    const text = await replyText(await c.router.dispatch('/incident diag check-db-file', c.as('Kim DevOps')));
    expect(text).toContain('no "Standard ACE DB" signature at offset 4');
    expect((await c.store.incidents.stepRuns((await c.store.incidents.list(['open'], 1))[0]!.id)).find((r) => r.stepId === 'check-db-file')?.status).toBe('fail');
  });

  it('Type 5: checksum-model fails on a garbage model.pkl and passes the copy of a version', async () => {
    const c = await start(Buffer.concat([demoAccdb(''), randomBytes(32 * 1024)]), randomBytes(4096));
    await c.router.dispatch('/incident open type5', c.as('Kim DevOps'));
    const bad = await replyText(await c.router.dispatch('/incident diag checksum-model', c.as('Kim DevOps')));
    expect(bad).toContain('model.pkl: not a pickle');
    expect(bad).toContain('differ from v20250901');
    writeFileSync(onHost!.host.path('models/latest/model.pkl'), demoPickle('model 0901'));
    const good = await replyText(await c.router.dispatch('/incident diag checksum-model', c.as('Kim DevOps')));
    expect(good).toContain('latest/ matches v20250901');
  });
});
