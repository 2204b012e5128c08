import { afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateDirectoryError, privateDirectory } from '../../src/fs/private-directory.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));
const fresh = () => (root = mkdtempSync(join(tmpdir(), 'drbot-private-')));

describe('privateDirectory', () => {
  it('creates a missing directory 0700 whatever the umask', () => {
    const dir = join(fresh(), 'a/b');
    const before = process.umask(0o022);
    try {
      expect(privateDirectory(dir)).toBe(dir);
    } finally {
      process.umask(before);
    }
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('accepts a configured link to a private directory, and checks where it leads', () => {
    fresh();
    mkdirSync(join(root, 'real'), { mode: 0o700 });
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(privateDirectory(join(root, 'link'))).toBe(join(root, 'real'));
    chmodSync(join(root, 'real'), 0o777);
    expect(() => privateDirectory(join(root, 'link'))).toThrow(PrivateDirectoryError);
  });

  it('uses a private subdirectory of a shared sticky directory, never one that is a link', () => {
    fresh();
    const shared = join(root, 'tmp');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    expect(() => privateDirectory(shared)).toThrow(/can be written by other users \(mode 1777\)/);
    const own = privateDirectory(shared, 'drbot-x');
    expect(own).toBe(join(shared, 'drbot-x'));
    expect(statSync(own).mode & 0o777).toBe(0o700);
    rmSync(own, { recursive: true });
    mkdirSync(join(root, 'elsewhere'), { mode: 0o700 });
    symlinkSync(join(root, 'elsewhere'), own);
    expect(() => privateDirectory(shared, 'drbot-x')).toThrow(/is a symbolic link/);
  });

  it('refuses a directory others may write that is not sticky', () => {
    const dir = join(fresh(), 'open');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(() => privateDirectory(dir, 'drbot-x')).toThrow(/can be written by other users \(mode 777\)/);
  });
});
