import { afterEach, describe, expect, it } from '@jest/globals';
import { MAX_CONTAINER_LOG_BYTES } from '../../src/agent/actions/container-actions.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';
import { FakeDockerEngine } from './support/fake-docker-engine.js';

let host: AgentConfigBuilder | undefined;
let engine: FakeDockerEngine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await host?.close();
});

async function containerLogs(bytes: number) {
  engine = await FakeDockerEngine.start([{ id: 'c1', name: 'stack-predictor-1', service: 'predictor', project: 'stack', state: 'running' }]);
  engine.logBytes.set('c1', bytes);
  host = anAgentConfig().with({ docker: { socketPath: engine.socketPath, project: 'stack', services: ['predictor'] } });
  return host.execute(aRequest('container_logs', { service: 'predictor', lines: 200 }));
}

describe('container_logs', () => {
  it('stops reading at its bound when 200 lines are 64 MiB, and says the output was cut', async () => {
    const result = await containerLogs(64 * 1024 * 1024);
    expect(result.summary).toContain('predictor: 1 container(s)');
    expect(result.output).toContain('…truncated');
    // The engine was hung up on near the bound, not read to the end.
    await new Promise((r) => setTimeout(r, 50));
    expect(engine!.logSent).toHaveLength(1);
    expect(engine!.logSent[0]!).toBeLessThan(8 * MAX_CONTAINER_LOG_BYTES);
  });

  it('reads a log under the bound whole, without the mark', async () => {
    const result = await containerLogs(3 * 4 * 1024);
    expect(result.status).toBe('ok');
    expect(result.output).not.toContain('…truncated');
    expect(result.output.split('\n').filter((l) => l.startsWith('xxx'))).toHaveLength(3);
  });
});
