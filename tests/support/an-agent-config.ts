import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ActionExecutor } from '../../src/agent/action-executor.js';
import { parseAgentConfig, type AgentConfig } from '../../src/agent/agent-config.js';
import type { HostTools } from '../../src/agent/agent-action.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { RequestLedger } from '../../src/agent/request-ledger.js';
import type { WireRequest, WireResult } from '../../src/agentlink/agent-protocol.js';

/**
 * The agent's home: a temporary host tree with the files the agent manages (the live Access file, its
 * backups, model versions, logs), plus an agent config over it; `build()` validates it through the real schema.
 */
export class AgentConfigBuilder {
  readonly root = mkdtempSync(join(tmpdir(), 'drbot-agent-test-'));
  private ledger: RequestLedger | undefined;
  private raw: Record<string, unknown> = {
    id: 'routing-ml',
    stateDir: 'state',
    logs: { backend: 'logs/backend.log' },
    files: { access_db: 'db/routing.accdb', model: 'models/latest/model.pkl' },
    dirs: { models: 'models', backup: 'backup' },
    ports: [8000],
    processes: { uvicorn: { match: 'uvicorn' } },
    backups: { access_db: { dir: 'backup', match: '\\.accdb$' } },
    restoreFiles: { access_db: { backup: 'access_db' } },
    restoreDirs: { models: { live: 'latest', versions: '^v' } },
    snapshotDir: 'snapshots',
  };

  /** Writes a file under the host root: text or bytes (an Access file, a pickle), with an optional mtime. */
  file(rel: string, content: string | Buffer, mtimeMs?: number): this {
    const p = join(this.root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    if (mtimeMs !== undefined) utimesSync(p, mtimeMs / 1000, mtimeMs / 1000);
    return this;
  }

  /** Overrides top-level config fields. */
  with(fields: Record<string, unknown>): this {
    this.raw = { ...this.raw, ...fields };
    return this;
  }

  /** Path under the host root. */
  path(rel: string): string {
    return join(this.root, rel);
  }

  build(): AgentConfig {
    return parseAgentConfig(this.raw, join(this.root, 'agent.yaml'), this.root);
  }

  /**
   * Runs a request as the agent does on this home: the real executor and host tools (`tools` replace
   * some), over agent.yaml as it is now, with the home's request ledger (opened by the first request).
   */
  execute(request: WireRequest, options: { tools?: Partial<HostTools>; onProgress?: (line: string) => void } = {}): Promise<WireResult> {
    const config = this.build();
    this.ledger ??= new RequestLedger(config.stateDir);
    return new ActionExecutor(config, createHostTools(config, options.tools), this.ledger).execute(request, options.onProgress);
  }

  /** Removes the temporary tree. */
  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  /** Closes the request ledger a request opened, then removes the tree. */
  async close(): Promise<void> {
    await this.ledger?.close();
    this.ledger = undefined;
    this.cleanup();
  }
}

/** Starts an agent config builder over a fresh temporary host tree. */
export function anAgentConfig(): AgentConfigBuilder {
  return new AgentConfigBuilder();
}
