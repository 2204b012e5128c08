/**
 * Does the committed procedure document still say what the pack and the contact list say? The
 * monthly 문서 업데이트 item asks this. The answer is a short summary, not a patch: how many lines
 * the document lacks and how many it has that the rendering does not, with the first few of each.
 * Lines are compared as a multiset (linear time; no diff library needed for counts and examples);
 * a document with the same lines in another order is reported as reordered.
 */
import { readFile, stat } from 'node:fs/promises';
import { translator, type Lang } from '../i18n/lang.js';

/** Documents longer than this are not read (a procedure is a few hundred lines). */
export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** How many lines of each kind the summary quotes. */
const EXAMPLES = 3;
/** Quoted lines are cut to this many characters. */
const QUOTE_CHARS = 60;

/** How two versions of the document differ. */
export interface DocumentDrift {
  /** Lines of the rendering the committed document lacks (with repeats). */
  missing: string[];
  /** Lines of the committed document the rendering does not have (with repeats). */
  extra: string[];
  /** Same lines, another order: the first line number (1-based) where they part. */
  reorderedAt?: number;
}

/** Lines as compared: CRLF and trailing spaces ignored, blank lines at the end dropped. */
function linesOf(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/** Compares the committed document with the rendering; undefined when they match. */
export function compareDocuments(committed: string, rendered: string): DocumentDrift | undefined {
  const have = linesOf(committed);
  const want = linesOf(rendered);
  const counts = new Map<string, number>();
  for (const line of have) counts.set(line, (counts.get(line) ?? 0) + 1);
  const missing: string[] = [];
  for (const line of want) {
    const n = counts.get(line) ?? 0;
    if (n > 0) counts.set(line, n - 1);
    else missing.push(line);
  }
  const left = new Map(counts);
  const extra = have.filter((line) => {
    const n = left.get(line) ?? 0;
    if (n === 0) return false;
    left.set(line, n - 1);
    return true;
  });
  if (missing.length > 0 || extra.length > 0) return { missing, extra };
  const at = want.findIndex((line, i) => have[i] !== line);
  return at < 0 ? undefined : { missing, extra, reorderedAt: at + 1 };
}

/** The drift as one short line in `lang`, ending with the command that writes the document again. */
export function driftSummary(drift: DocumentDrift, shownPath: string, renderCommand: string, lang: Lang): string {
  const t = translator(lang);
  const quote = (lines: string[]) =>
    lines
      .filter((l) => l.trim() !== '')
      .slice(0, EXAMPLES)
      .map((l) => {
        const flat = l.trim().replace(/\s+/g, ' ');
        return `"${flat.length > QUOTE_CHARS ? `${flat.slice(0, QUOTE_CHARS - 1)}…` : flat}"`;
      })
      .join(', ');
  const fix = t(`다시 만들기: ${renderCommand}`, `write it again: ${renderCommand}`);
  if (drift.reorderedAt !== undefined) {
    return t(`${shownPath}의 줄 순서가 렌더링과 다릅니다 (${drift.reorderedAt}번째 줄부터). ${fix}`, `${shownPath} has the rendering's lines in another order (from line ${drift.reorderedAt}). ${fix}`);
  }
  const parts: string[] = [];
  if (drift.missing.length > 0) parts.push(t(`빠진 줄 ${drift.missing.length}개 (${quote(drift.missing)})`, `${drift.missing.length} ${drift.missing.length === 1 ? 'line' : 'lines'} missing (${quote(drift.missing)})`));
  if (drift.extra.length > 0) parts.push(t(`렌더링에 없는 줄 ${drift.extra.length}개 (${quote(drift.extra)})`, `${drift.extra.length} ${drift.extra.length === 1 ? 'line' : 'lines'} not in the rendering (${quote(drift.extra)})`));
  return t(`${shownPath}이(가) 런북 팩·연락처와 다릅니다: ${parts.join('; ')}. ${fix}`, `${shownPath} no longer matches the runbook pack and contacts: ${parts.join('; ')}. ${fix}`);
}

/** What the committed document file holds: its text, or why it could not be read. */
export async function readCommittedDocument(path: string): Promise<{ text: string } | { problem: 'missing' | 'too-large' | 'unreadable'; reason?: string }> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { problem: 'unreadable', reason: 'not a file' };
    if (info.size > MAX_DOCUMENT_BYTES) return { problem: 'too-large' };
    return { text: await readFile(path, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: 'missing' };
    return { problem: 'unreadable', reason: code ?? (err as Error).message };
  }
}
