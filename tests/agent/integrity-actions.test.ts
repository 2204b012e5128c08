import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { demoAccdb, demoPickle } from '../../src/agent/demo-host.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

let host: AgentConfigBuilder | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await host?.close();
  host = undefined;
});

function run(action: string, params: Record<string, string | number | boolean> = {}, approvalId?: string) {
  return host!.execute(aRequest(action, params, { approvalId }));
}

const DAY = 24 * 3600_000;
/** An Access file of `kb` kilobytes: the real ACE header (00 01 00 00 "Standard ACE DB" 00) and pages of data after it. */
const accdb = (kb: number) => Buffer.concat([demoAccdb(''), randomBytes(kb * 1024)]);

describe('file_integrity (Type 2: the Access file is what it claims to be)', () => {
  it('passes an Access file with its signature and a size near the newest backup', async () => {
    host = anAgentConfig().file('db/routing.accdb', accdb(64)).file('backup/routing_20261127.accdb', accdb(60), Date.now() - DAY);
    const r = await run('file_integrity', { file: 'access_db' });
    expect(r).toMatchObject({ status: 'ok', summary: expect.stringContaining('Access database (Standard ACE DB)') });
    expect(r.output).toContain('newest backup routing_20261127.accdb');
  });

  it('fails a corrupted Access file that exists and is readable (file_stat passes it)', async () => {
    // The first page overwritten with garbage, as a crash mid-write or a bad copy leaves it; same size.
    const damaged = accdb(64);
    randomBytes(4096).copy(damaged, 0);
    host = anAgentConfig().file('db/routing.accdb', damaged).file('backup/routing_20261127.accdb', accdb(64), Date.now() - DAY);
    expect((await run('file_stat', { file: 'access_db' })).status).toBe('ok');
    const r = await run('file_integrity', { file: 'access_db' });
    expect(r).toMatchObject({ status: 'fail', summary: expect.stringContaining('no "Standard ACE DB" signature at offset 4') });
  });

  it('warns about an Access file far smaller than the newest backup (truncated), and fails an empty one', async () => {
    host = anAgentConfig().file('db/routing.accdb', accdb(8)).file('backup/routing_20261127.accdb', accdb(64), Date.now() - DAY);
    expect(await run('file_integrity', { file: 'access_db' })).toMatchObject({ status: 'warn', summary: expect.stringContaining('under half the newest backup routing_20261127.accdb') });
    writeFileSync(host.path('db/routing.accdb'), '');
    expect(await run('file_integrity', { file: 'access_db' })).toMatchObject({ status: 'fail', summary: expect.stringContaining('empty file') });
  });

  it('fails a missing file and refuses a file agent.yaml does not list', async () => {
    host = anAgentConfig();
    expect(await run('file_integrity', { file: 'access_db' })).toMatchObject({ status: 'fail', summary: expect.stringContaining('missing or unreadable') });
    expect(await run('file_integrity', { file: 'etc_passwd' })).toMatchObject({ refused: 'not-allowed' });
  });
});

describe('version_dir_verify (Type 5: the live model is the version it came from)', () => {
  it('passes latest/ that is a copy of a version directory, and fails a garbage model.pkl in it', async () => {
    host = anAgentConfig()
      .file('models/v20250801/model.pkl', demoPickle('model 0801'), Date.now() - 60 * DAY)
      .file('models/v20250901/model.pkl', demoPickle('model 0901'), Date.now() - 30 * DAY)
      .file('models/latest/model.pkl', demoPickle('model 0901'), Date.now() - DAY);
    expect(await run('version_dir_verify', { dir: 'models' })).toMatchObject({ status: 'ok', summary: expect.stringContaining('matches v20250901') });

    writeFileSync(host.path('models/latest/model.pkl'), randomBytes(2048));
    // The checksum step of old passed this: it only printed a checksum, with nothing to compare it to.
    expect((await run('file_checksum', { file: 'model' })).status).toBe('ok');
    const r = await run('version_dir_verify', { dir: 'models' });
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('model.pkl: not a pickle');
    expect(r.summary).toMatch(/1 file\(s\) differ from v20250(8|9)01/);
  });

  it('a valid pickle that matches no version, with no restore manifest, warns: its origin is unknown, and it says what makes it checkable', async () => {
    host = anAgentConfig().file('models/v20250901/model.pkl', demoPickle('model 0901')).file('models/latest/model.pkl', demoPickle('a retrained model'));
    const r = await run('version_dir_verify', { dir: 'models' });
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('latest/ matches no version directory and the agent has no restore manifest');
    expect(r.summary).toContain('closest is v20250901 (1 file(s) differ: model.pkl');
    expect(r.summary).toContain('restore a version (restore-previous-model)');
  });

  it('after restore_dir, compares with the manifest the agent recorded: the restored version, even once newer versions appear', async () => {
    host = anAgentConfig()
      .file('models/v20250801/model.pkl', demoPickle('model 0801'), Date.now() - 60 * DAY)
      .file('models/v20250901/model.pkl', demoPickle('model 0901'), Date.now() - 30 * DAY)
      .file('models/latest/model.pkl', randomBytes(100), Date.now() - DAY);
    expect((await run('restore_dir', { dir: 'models', from: 'v20250801' }, 'apr-1')).status).toBe('ok');
    const manifest = JSON.parse(readFileSync(host.path('state/manifests/models.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe('v20250801');
    expect(await run('version_dir_verify', { dir: 'models' })).toMatchObject({ status: 'ok', summary: expect.stringContaining("matches v20250801 (restored") });

    // The live file changes behind the agent's back (same valid format): the manifest catches it.
    writeFileSync(host.path('models/latest/model.pkl'), demoPickle('model 0901'));
    const r = await run('version_dir_verify', { dir: 'models' });
    expect(r).toMatchObject({ status: 'fail', summary: expect.stringContaining("differ from v20250801 (restored") });
    expect(r.output).toContain('differs: model.pkl (sha256');
  });
});

describe('process_running matched by name only', () => {
  async function sleeper(...argv: string[]): Promise<ChildProcess> {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', ...argv], { stdio: 'ignore' });
    children.push(child);
    await once(child, 'spawn');
    return child;
  }

  it('says so when several instances match a name without a port, and is sure once the match has the port', async () => {
    const marker = `drbot-uvicorn-${process.pid}`;
    const a = await sleeper(marker, '--port', '8000');
    const b = await sleeper(marker, '--port', '8001');
    host = anAgentConfig().with({ processes: { byName: { match: marker }, byPort: { match: [marker, '8000'] } } });
    const loose = await run('process_running', { name: 'byName' });
    expect(loose.status).toBe('warn');
    expect(loose.summary).toContain(`2 processes match "${marker}"`);
    expect(loose.summary).toContain('include the port');
    expect((loose.data as { pids: number[] }).pids.sort()).toEqual([a.pid, b.pid].sort());
    expect(await run('process_running', { name: 'byPort' })).toMatchObject({ status: 'ok', data: { pids: [a.pid] } });
  });
});
