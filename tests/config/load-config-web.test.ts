import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.js';

function configWith(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-config-'));
  const path = join(dir, 'drbot.yaml');
  writeFileSync(path, yaml);
  return path;
}

const SECRET = 'a'.repeat(64);

describe('the web section of drbot.yaml', () => {
  it('is off by default', () => {
    expect(loadConfig({ DRBOT_CONFIG: configWith('lang: en\n') }).web).toEqual({ enabled: false });
  });

  it('takes enabled, publicUrl and trustedHeader', () => {
    const config = loadConfig({ DRBOT_CONFIG: configWith('web:\n  enabled: true\n  publicUrl: https://drbot.example.com\n  trustedHeader: X-Forwarded-User\n'), DRBOT_WEB_SECRET: SECRET });
    expect(config.web).toEqual({ enabled: true, publicUrl: 'https://drbot.example.com', trustedHeader: 'X-Forwarded-User' });
  });

  it('refuses to enable the web view that nobody could sign in to, naming what to set', () => {
    expect(() => loadConfig({ DRBOT_CONFIG: configWith('web:\n  enabled: true\n') })).toThrow(/web.enabled is true but nobody could sign in/);
    try {
      loadConfig({ DRBOT_CONFIG: configWith('web:\n  enabled: true\n') });
    } catch (err) {
      expect((err as { hint?: string }).hint).toContain('DRBOT_WEB_SECRET');
    }
    expect(loadConfig({ DRBOT_CONFIG: configWith('web:\n  enabled: true\n  trustedHeader: X-Remote-User\n') }).web.enabled).toBe(true);
  });

  it('refuses a short secret, a non-http public URL, a standard header as the trusted one, and unknown keys', () => {
    expect(() => loadConfig({ DRBOT_CONFIG: configWith('web:\n  enabled: true\n'), DRBOT_WEB_SECRET: 'short' })).toThrow(/shorter than 32/);
    expect(() => loadConfig({ DRBOT_CONFIG: configWith('web:\n  publicUrl: javascript:alert(1)\n') })).toThrow(/web.publicUrl/);
    expect(() => loadConfig({ DRBOT_CONFIG: configWith('web:\n  trustedHeader: Cookie\n') })).toThrow(/web.trustedHeader/);
    expect(() => loadConfig({ DRBOT_CONFIG: configWith('web:\n  enabeld: true\n') })).toThrow(/web/);
  });
});
