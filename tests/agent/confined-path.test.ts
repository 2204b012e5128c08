import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostTools } from '../../src/agent/agent-action.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { SafeRestore } from '../../src/agent/safe-restore.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

const DAY = 24 * 3600_000;
let host: AgentConfigBuilder;
let outside: string;

/** A directory outside the host tree, standing for /etc or /root: nothing in it may be read or written through a link. */
function outsideTree(): string {
  outside = mkdtempSync(join(tmpdir(), 'drbot-outside-'));
  writeFileSync(join(outside, 'secret'), 'root password hash');
  writeFileSync(join(outside, 'victim'), 'must stay as it is');
  return outside;
}

function run(action: string, params: Record<string, string | number | boolean>, approvalId?: string, tools: Partial<HostTools> = {}) {
  return host.execute(aRequest(action, params, { approvalId }), { tools });
}

afterEach(async () => {
  await host?.close();
  rmSync(outside, { recursive: true, force: true });
});

describe('restores refuse symbolic links', () => {
  it('restore_file refuses a backup that is a link out of the backup directory, and copies nothing', async () => {
    outsideTree();
    host = anAgentConfig().file('backup/old.accdb', 'last week', Date.now() - 7 * DAY).file('db/routing.accdb', 'live');
    symlinkSync(join(outside, 'secret'), host.path('backup/zz-newest.accdb'));
    const r = await run('restore_file', { file: 'access_db', from: 'latest' }, 'apr-1');
    expect(r).toMatchObject({ status: 'fail', refused: 'not-allowed' });
    expect(r.summary).toContain('zz-newest.accdb is a symbolic link');
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live');
    expect(readdirSync(host.path('db'))).toEqual(['routing.accdb']);
  });

  it('restore_file refuses a live file that is a link, leaving both the link and its target alone', async () => {
    outsideTree();
    host = anAgentConfig().file('backup/a.accdb', 'backup');
    mkdirSync(host.path('db'));
    symlinkSync(join(outside, 'victim'), host.path('db/routing.accdb'));
    const r = await run('restore_file', { file: 'access_db', from: 'latest' }, 'apr-2');
    expect(r).toMatchObject({ status: 'fail', refused: 'not-allowed' });
    expect(r.summary).toContain('the live file');
    expect(lstatSync(host.path('db/routing.accdb')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('must stay as it is');
  });

  it('restore_dir refuses a version directory that is a link out of the models directory', async () => {
    outsideTree();
    host = anAgentConfig().file('models/v1/model.pkl', 'v1', Date.now() - 9 * DAY).file('models/latest/model.pkl', 'live');
    symlinkSync(outside, host.path('models/v9'));
    const r = await run('restore_dir', { dir: 'models', from: 'v9' }, 'apr-3');
    expect(r).toMatchObject({ status: 'fail', refused: 'not-allowed' });
    expect(r.summary).toContain('the version directory');
    expect(readFileSync(host.path('models/latest/model.pkl'), 'utf8')).toBe('live');
  });

  it('restore_dir refuses a version that holds a link, naming it, instead of restoring without it', async () => {
    outsideTree();
    host = anAgentConfig().file('models/v2/model.pkl', 'v2').file('models/latest/model.pkl', 'live');
    symlinkSync(join(outside, 'secret'), host.path('models/v2/features.json'));
    const r = await run('restore_dir', { dir: 'models', from: 'v2' }, 'apr-4');
    expect(r).toMatchObject({ status: 'fail', refused: 'not-allowed' });
    expect(r.summary).toContain('features.json in backup');
    expect(r.summary).toContain('is a symbolic link');
    expect(readFileSync(host.path('models/latest/model.pkl'), 'utf8')).toBe('live');
    expect(readdirSync(host.path('models')).sort()).toEqual(['latest', 'v2']);
  });

  it('never writes through a link planted at the staging name', async () => {
    outsideTree();
    host = anAgentConfig().file('backup/a.accdb', 'backup').file('db/routing.accdb', 'live');
    symlinkSync(join(outside, 'victim'), host.path('db/.routing.accdb.restoring-stamp'));
    const config = host.build();
    const restore = new SafeRestore(createHostTools(config).copyFile, () => 'stamp');
    await expect(restore.file(host.path('backup/a.accdb'), host.path('db/routing.accdb'))).rejects.toThrow(/EEXIST/);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('must stay as it is');
    expect(readFileSync(host.path('db/routing.accdb'), 'utf8')).toBe('live');
  });
});

describe('other host changes refuse symbolic links', () => {
  it('set_read_only_mode refuses a settings file that is a link, and never writes through a planted staging link', async () => {
    outsideTree();
    const yaml = 'app:\n  read_only: false\n';
    host = anAgentConfig().with({ readOnlyMode: { file: 'config/app.yaml', key: ['app', 'read_only'] } });
    mkdirSync(host.path('config'));
    symlinkSync(join(outside, 'secret'), host.path('config/app.yaml'));
    const linked = await run('set_read_only_mode', { enabled: true }, 'apr-5');
    expect(linked).toMatchObject({ status: 'fail', refused: 'not-allowed' });
    expect(linked.output).not.toContain('root password hash');

    rmSync(host.path('config/app.yaml'));
    host.file('config/app.yaml', yaml);
    const at = Date.UTC(2026, 10, 24, 1, 5, 0);
    symlinkSync(join(outside, 'victim'), host.path('config/.app.yaml.writing-20261124T010500Z'));
    const planted = await run('set_read_only_mode', { enabled: true }, 'apr-6', { now: () => at });
    expect(planted.status).toBe('fail');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('must stay as it is');
    expect(readFileSync(host.path('config/app.yaml'), 'utf8')).toBe(yaml);
  });

  it('process_restart refuses a log that is a link and stops nothing', async () => {
    outsideTree();
    host = anAgentConfig().with({ restarts: { backend: { recipe: { command: '/bin/true' }, log: 'logs/backend.log', match: 'no-such-process-drbot' } } });
    mkdirSync(host.path('logs'));
    symlinkSync(join(outside, 'victim'), host.path('logs/backend.log'));
    const r = await run('process_restart', { process: 'backend' }, 'apr-7');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('symbolic link');
    expect(r.summary).toContain('nothing was stopped or started');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('must stay as it is');
  });

  it('log_tail follows a link inside the log directory but refuses one that leads out of it', async () => {
    outsideTree();
    host = anAgentConfig().file('logs/backend-2026.log', 'ERROR inside\n');
    symlinkSync(host.path('logs/backend-2026.log'), host.path('logs/backend.log'));
    expect(await run('log_tail', { log: 'backend' })).toMatchObject({ status: 'warn', output: 'ERROR inside' });
    rmSync(host.path('logs/backend.log'));
    symlinkSync(join(outside, 'secret'), host.path('logs/backend.log'));
    const r = await run('log_tail', { log: 'backend' });
    expect(r).toMatchObject({ status: 'fail', refused: 'not-allowed', output: '' });
    expect(r.summary).toContain('outside');
    expect(existsSync(host.path('logs/backend.log'))).toBe(true);
  });
});
