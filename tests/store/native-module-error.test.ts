import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import BetterSqlite3 from 'better-sqlite3';
import { ErrorCode, StoreUnavailableError } from '../../src/errors/drbot-error.js';
import { nativeModuleError } from '../../src/store/native-module-error.js';

const dir = mkdtempSync(join(tmpdir(), 'drbot-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What `fn` threw. */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

// Node's own words when an addon built under Node 26 is loaded by another Node (seen on Node 20.20).
const abiMismatch = Object.assign(
  new Error(
    "The module '/srv/drbot/node_modules/better-sqlite3/build/Release/better_sqlite3.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 147. This version of Node.js requires\nNODE_MODULE_VERSION 115. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).",
  ),
  { code: 'ERR_DLOPEN_FAILED' },
);

describe('nativeModuleError', () => {
  it('names the Node the addon was built for, this Node, and npm rebuild', () => {
    const e = nativeModuleError(abiMismatch);
    expect(e).toBeInstanceOf(StoreUnavailableError);
    expect(e?.code).toBe(ErrorCode.StoreUnavailable);
    expect(e?.message).toContain('was built for Node 26 (NODE_MODULE_VERSION 147)');
    expect(e?.message).toContain(`this is Node ${process.version} (NODE_MODULE_VERSION ${process.versions.modules})`);
    expect(e?.hint).toContain('npm rebuild better-sqlite3');
    expect(e?.hint).toContain(process.execPath);
    expect(e?.cause).toBe(abiMismatch);
  });

  it('recognises a real dlopen failure from better-sqlite3 (an addon file that is not one)', () => {
    const bogus = join(dir, 'bogus.node');
    writeFileSync(bogus, 'not an ELF file');
    const err = thrownBy(() => new BetterSqlite3(':memory:', { nativeBinding: bogus }));
    const e = nativeModuleError(err);
    expect(e).toBeInstanceOf(StoreUnavailableError);
    expect(e?.message).toMatch(/^SQLite's native module, better-sqlite3, does not load \(/);
  });

  it('recognises an addon that was never built (the bindings lookup finds no file)', () => {
    const bindings = createRequire(import.meta.url)('bindings') as (name: string) => unknown;
    const err = thrownBy(() => bindings('drbot_no_such_addon.node'));
    expect(nativeModuleError(err)?.message).toContain('was never built');
  });

  it('leaves every other error to the caller: a damaged or unreadable file is about the file', () => {
    const notADatabase = join(dir, 'not-a-db.sqlite');
    writeFileSync(notADatabase, 'x'.repeat(4096));
    const err = thrownBy(() => new BetterSqlite3(notADatabase).pragma('quick_check'));
    // SQLite's own error about the file (better-sqlite3's SqliteError comes from another realm under jest, so no instanceof)
    expect((err as { code?: string }).code).toBe('SQLITE_NOTADB');
    expect(nativeModuleError(err)).toBeUndefined();
    expect(nativeModuleError(new Error('SQLITE_CANTOPEN'))).toBeUndefined();
    expect(nativeModuleError('a string')).toBeUndefined();
  });
});
