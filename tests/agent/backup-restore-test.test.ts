import { afterEach, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { checkFormat } from '../../src/agent/actions/backup-restore-test.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

let host: AgentConfigBuilder | undefined;
afterEach(async () => {
  await host?.close();
});

const HOUR = 3_600_000;
const ACE = Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.from('Standard ACE DB\0'), Buffer.alloc(4096, 3)]);
const PICKLE = Buffer.concat([Buffer.from([0x80, 4, 0x95]), Buffer.alloc(300, 1), Buffer.from('.')]);

function put(rel: string, data: Buffer, ageHours: number) {
  host!.file(rel, data, Date.now() - ageHours * HOUR);
}

function run(params: Record<string, string> = {}) {
  return host!.execute(aRequest('backup_restore_test', params));
}

function withBackups() {
  host = anAgentConfig().with({
    backups: {
      access_db: { dir: 'backup', match: '\\.accdb$', goalHours: 24, limitHours: 72 },
      models: { dir: 'model-backups', match: '\\.pkl$', goalHours: 24, limitHours: 72 },
    },
  });
}

describe('backup_restore_test (real files)', () => {
  it('restores the newest of each backup into scratch, checks checksum, format and age, and deletes the copy: ok', async () => {
    withBackups();
    put('backup/routing_db_20261123.accdb', Buffer.concat([ACE, Buffer.from('older')]), 30);
    put('backup/routing_db_20261124.accdb', ACE, 5);
    put('model-backups/model-v2.pkl', PICKLE, 2);
    const r = await run();
    expect(r.status).toBe('ok');
    expect(r.summary).toContain(`access_db: routing_db_20261124.accdb, ${ACE.length} bytes, 5 h old (RPO goal 24 h, limit 72 h); restored copy sha256`);
    expect(r.summary).toContain('matches; Access database (Standard ACE DB)');
    expect(r.summary).toContain('models: model-v2.pkl, 304 bytes, 2 h old');
    expect(r.summary).toContain('pickle, protocol 4');
    expect(readdirSync(host!.path('state')).filter((n) => n.startsWith('restore-test-'))).toEqual([]);
  });

  it('fails on a corrupt backup (no ACE signature) and says which', async () => {
    withBackups();
    const corrupt = Buffer.from(ACE);
    corrupt.fill(0, 0, 64);
    put('backup/routing_db_20261124.accdb', corrupt, 3);
    put('model-backups/model-v2.pkl', PICKLE, 2);
    const r = await run();
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('access_db: routing_db_20261124.accdb');
    expect(r.summary).toContain('not an Access database: no "Standard ACE DB" signature at offset 4');
  });

  it('warns on a backup older than the RPO goal and fails one past the limit', async () => {
    withBackups();
    put('backup/routing_db_20261122.accdb', ACE, 30);
    put('model-backups/model-v2.pkl', PICKLE, 2);
    const old = await run({ backup: 'access_db' });
    expect(old.status).toBe('warn');
    expect(old.summary).toContain('30 h old (RPO goal 24 h, limit 72 h, past the goal)');
    put('backup/routing_db_20261122.accdb', ACE, 100);
    const ancient = await run({ backup: 'access_db' });
    expect(ancient.status).toBe('fail');
    expect(ancient.summary).toContain('100 h old (RPO goal 24 h, limit 72 h, past the limit)');
    // 24.04 h is past a 24 h goal: it warns, and does not read as "24 h" (compared exactly, not rounded to 24.0).
    put('backup/routing_db_20261122.accdb', ACE, 24.04);
    const just = await run({ backup: 'access_db' });
    expect(just.status).toBe('warn');
    expect(just.summary).toMatch(/access_db: routing_db_20261122\.accdb, \d+ bytes, 24 h 2 min old \(RPO goal 24 h, limit 72 h, past the goal\)/);
  });

  it('fails a pickle without its protocol byte, an empty file, and no backup at all; unknown kinds need only be readable', async () => {
    expect(checkFormat('m.pkl', Buffer.from('not a pickle'), 12)).toEqual({ ok: false, what: 'not a pickle: no protocol byte (0x80 and 2–5) at the start' });
    expect(checkFormat('x.accdb', Buffer.alloc(0), 0)).toEqual({ ok: false, what: 'empty file' });
    expect(checkFormat('dump.sql', Buffer.from('select 1'), 8)).toEqual({ ok: true, what: 'readable, 8 bytes' });
    withBackups();
    host!.file('model-backups/.keep', '');
    put('backup/routing_db_20261124.accdb', ACE, 1);
    const r = await run();
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('models: no backup file in');
  });
});
