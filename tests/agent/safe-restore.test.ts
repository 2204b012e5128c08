import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { copyFile, writeFile } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { ActionExecutor } from '../../src/agent/action-executor.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { RequestLedger } from '../../src/agent/request-ledger.js';
import { SafeRestore } from '../../src/agent/safe-restore.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

const DAY = 24 * 3600_000;
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
let host: AgentConfigBuilder;
let ledger: RequestLedger | undefined;

/** A model tree: latest/ holds a corrupted model.pkl, v20250901 is the newest good version. */
function modelHost(): AgentConfigBuilder {
  const now = Date.now();
  return anAgentConfig()
    .file('models/v20250801/model.pkl', 'model v20250801', now - 60 * DAY)
    .file('models/v20250901/model.pkl', 'model v20250901 good bytes', now - 30 * DAY)
    .file('models/v20250901/features.json', '{"features":12}', now - 30 * DAY)
    .file('models/latest/model.pkl', '\u0000\u0000corrupted', now - DAY);
}

function executorWith(copy: (src: string, dst: string) => Promise<void>) {
  const config = host.build();
  ledger = new RequestLedger(config.stateDir);
  return new ActionExecutor(config, createHostTools(config, { copyFile: copy }), ledger);
}

const restoreModels = () => aRequest('restore_dir', { dir: 'models', from: 'previous' }, { approvalId: 'apr-model' });

afterEach(async () => {
  await ledger?.close();
  ledger = undefined;
  host?.cleanup();
});

describe('restore_dir of a corrupted model', () => {
  it('restores model.pkl from the previous version directory, keeping the corrupted one aside, checksums matching', async () => {
    host = modelHost();
    const corrupted = readFileSync(host.path('models/latest/model.pkl'), 'utf8');
    const r = await executorWith((s, d) => copyFile(s, d)).execute(restoreModels());

    expect(r.status).toBe('ok');
    expect(r.summary).toContain('v20250901 restored into latest/');
    expect(sha(host.path('models/latest/model.pkl'))).toBe(sha(host.path('models/v20250901/model.pkl')));
    expect(sha(host.path('models/latest/features.json'))).toBe(sha(host.path('models/v20250901/features.json')));
    const aside = readdirSync(host.path('models')).filter((n) => n.startsWith('latest.before-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(host.path(`models/${aside[0]}/model.pkl`), 'utf8')).toBe(corrupted);
    expect(readdirSync(host.path('models')).some((n) => n.includes('restoring'))).toBe(false);
  });

  it('leaves the original in place when the copy fails midway', async () => {
    host = modelHost();
    const before = sha(host.path('models/latest/model.pkl'));
    let copies = 0;
    const failing = async (src: string, dst: string) => {
      if (++copies === 2) {
        await writeFile(dst, 'half a fi'); // a partial write, then the disk gives up
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      await copyFile(src, dst);
    };
    const r = await executorWith(failing).execute(restoreModels());

    expect(r.status).toBe('fail');
    expect(r.summary).toContain('latest/ is unchanged');
    expect(r.summary).toContain('ENOSPC');
    expect(sha(host.path('models/latest/model.pkl'))).toBe(before);
    expect(readdirSync(host.path('models')).sort()).toEqual(['latest', 'v20250801', 'v20250901']);
  });

  it('puts the old directory back when the copy in place does not match', async () => {
    host = modelHost();
    const before = sha(host.path('models/latest/model.pkl'));
    // copies correctly into staging, but the bytes differ from the source: a silent corruption
    const lying = async (src: string, dst: string) => {
      await copyFile(src, dst);
      if (src.endsWith('model.pkl')) await writeFile(dst, 'bit rot');
    };
    const r = await executorWith(lying).execute(restoreModels());
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('checksum mismatch');
    expect(sha(host.path('models/latest/model.pkl'))).toBe(before);
  });
});

describe('SafeRestore.file', () => {
  it('keeps the current file aside and verifies the restored checksum', async () => {
    host = anAgentConfig().file('backup/routing_1.accdb', 'yesterday').file('db/routing.accdb', 'broken');
    const r = await new SafeRestore((s, d) => copyFile(s, d), () => 'stamp').file(host.path('backup/routing_1.accdb'), host.path('db/routing.accdb'));
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('yesterday');
    expect(r.keptAside).toBe(host.path('db/routing.accdb.before-stamp'));
    expect(readFileSync(r.keptAside!, 'utf8')).toBe('broken');
    expect(r.sha256['']).toBe(sha(host.path('backup/routing_1.accdb')));
  });

  it('leaves the live file untouched when the copy fails', async () => {
    host = anAgentConfig().file('backup/routing_1.accdb', 'yesterday').file('db/routing.accdb', 'live');
    const restore = new SafeRestore(async () => {
      throw new Error('EIO: i/o error');
    }, () => 'stamp');
    await expect(restore.file(host.path('backup/routing_1.accdb'), host.path('db/routing.accdb'))).rejects.toThrow('EIO');
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live');
    expect(existsSync(host.path('db/routing.accdb.before-stamp'))).toBe(false);
    expect(readdirSync(host.path('db'))).toEqual(['routing.accdb']);
  });
});
