import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { loadContacts } from '../contacts/load-contacts.js';
import { DrbotError } from '../errors/drbot-error.js';
import { translator, type Lang } from '../i18n/lang.js';
import { loadRunbookPack } from '../runbook/load-runbook-pack.js';
import { renderProcedure } from '../runbook/render-procedure.js';
import type { CliResult } from './run-backup.js';

/** What `drbot runbook render` printed: the message (stderr on failure) and the document when it goes to stdout. */
export interface RenderResult extends CliResult {
  document?: string;
}

const USAGE = 'usage: drbot runbook render --lang ko|en [--out FILE]';

/**
 * `drbot runbook render --lang ko|en [--out FILE]`: the procedure document from the configured
 * runbook pack and contact list, to stdout or written to FILE (a whole file or nothing: written
 * beside it, then renamed over it).
 */
export function renderRunbook(args: readonly string[], env: NodeJS.ProcessEnv): RenderResult {
  const config = loadConfig(env);
  const t = translator(config.lang);
  const [verb, ...flags] = args;
  if (verb !== 'render') {
    return { code: 2, text: verb === undefined ? USAGE : t(`알 수 없는 runbook 명령 "${verb.slice(0, 40)}"\n${USAGE}`, `unknown runbook command "${verb.slice(0, 40)}"\n${USAGE}`) };
  }
  let lang: Lang | undefined;
  let out: string | undefined;
  for (let i = 0; i < flags.length; i++) {
    const [flag, inline] = flags[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    if (flag !== '--lang' && flag !== '--out') return { code: 2, text: t(`알 수 없는 옵션 "${flag.slice(0, 40)}"\n${USAGE}`, `unknown option "${flag.slice(0, 40)}"\n${USAGE}`) };
    const value = inline ?? flags[++i];
    if (value === undefined || value === '') return { code: 2, text: t(`${flag}에 값이 필요합니다\n${USAGE}`, `${flag} needs a value\n${USAGE}`) };
    if (flag === '--lang') {
      if (value !== 'ko' && value !== 'en') return { code: 2, text: t(`--lang은 ko 또는 en입니다 ("${value.slice(0, 40)}" 아님)\n${USAGE}`, `--lang must be ko or en, not "${value.slice(0, 40)}"\n${USAGE}`) };
      lang = value;
    } else {
      out = value;
    }
  }
  if (!lang) return { code: 2, text: t(`--lang ko|en 이 필요합니다\n${USAGE}`, `--lang ko|en is required\n${USAGE}`) };

  let document: string;
  try {
    document = renderProcedure(loadRunbookPack(config.runbookPath), loadContacts(config.contactsPath).contacts, lang);
  } catch (err) {
    if (!(err instanceof DrbotError)) throw err;
    return { code: 1, text: `${err.message}${err.hint ? `\n  → ${err.hint}` : ''}` };
  }
  if (out === undefined) return { code: 0, text: '', document };

  const target = resolve(out);
  const temp = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temp, document);
    renameSync(temp, target);
  } catch (err) {
    return { code: 1, text: t(`${out}에 쓸 수 없습니다: ${(err as Error).message}`, `cannot write ${out}: ${(err as Error).message}`) };
  }
  const lines = document.split('\n').length - 1;
  return { code: 0, text: t(`${out}에 절차 문서를 썼습니다 (${lang}, ${lines}줄)`, `wrote the procedure document to ${out} (${lang}, ${lines} lines)`) };
}
