/** `drbot runbook render` as the built CLI runs it: a real `node dist/src/cli/drbot.js` process. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';
import { loadContacts } from '../../src/contacts/load-contacts.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import { renderProcedure } from '../../src/runbook/render-procedure.js';
import { aDrbotHome, DrbotProcess } from './drbot-process.js';

const root = packageRoot();
const pack = loadRunbookPack(join(root, 'runbooks/routing-ml.yaml'));
const contacts = loadContacts(join(root, 'config/contacts.yaml')).contacts;

let home: ReturnType<typeof aDrbotHome>;
beforeAll(() => {
  home = aDrbotHome();
});
afterAll(() => rmSync(home.home, { recursive: true, force: true }));

async function drbot(args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = new DrbotProcess(args, { DRBOT_CONFIG: home.configPath, ...env });
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

describe('drbot runbook render', () => {
  it('--out writes the Korean document, the same bytes the renderer gives, and says where', async () => {
    const out = join(home.home, 'docs', 'procedure.ko.md');
    const r = await drbot(['runbook', 'render', '--lang', 'ko', '--out', out]);
    expect(r.code).toBe(0);
    const expected = renderProcedure(pack, contacts, 'ko');
    expect(r.stdout).toBe(`wrote the procedure document to ${out} (ko, ${expected.split('\n').length - 1} lines)\n`);
    expect(readFileSync(out, 'utf8')).toBe(expected);
  });

  it('without --out prints the English document on stdout (--lang=en form too)', async () => {
    const r = await drbot(['runbook', 'render', '--lang=en']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(renderProcedure(pack, contacts, 'en'));
  });

  it('a bad flag gets a clear message, the usage and exit code 2, and writes nothing', async () => {
    const out = join(home.home, 'never.md');
    for (const [args, message] of [
      [['runbook', 'render', '--lang', 'fr', '--out', out], '--lang must be ko or en, not "fr"'],
      [['runbook', 'render', '--out', out], '--lang ko|en is required'],
      [['runbook', 'render', '--lang', 'ko', '--out'], '--out needs a value'],
      [['runbook', 'render', '--lang', 'ko', '--format', 'html', '--out', out], 'unknown option "--format"'],
      [['runbook', 'rendre', '--lang', 'ko'], 'unknown runbook command "rendre"'],
    ] as const) {
      const r = await drbot([...args]);
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr).toBe(`${message}\nusage: drbot runbook render --lang ko|en [--out FILE]\n`);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(out)).toBe(false);
  });

  it('an invalid contact list is named, exit code 1, and the existing document is left as it was', async () => {
    const out = join(home.home, 'kept.md');
    writeFileSync(out, 'the committed document\n');
    const bad = join(home.home, 'bad-contacts.yaml');
    writeFileSync(bad, 'contacts:\n  - name: Nobody\n    roles: [janitor]\n');
    const r = await drbot(['runbook', 'render', '--lang', 'ko', '--out', out], { DRBOT_CONTACTS: bad });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad} is invalid`);
    expect(r.stderr).toContain('contacts.0.roles.0');
    expect(readFileSync(out, 'utf8')).toBe('the committed document\n');
  });
});
