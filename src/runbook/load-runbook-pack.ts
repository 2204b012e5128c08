import { readFileSync } from 'node:fs';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { crossCheckPack } from './cross-check-pack.js';
import { RunbookPack } from './pack-schema.js';
import { RunbookPackError, type RunbookPackIssue } from './runbook-pack-error.js';

export { RunbookPackError, type RunbookPackIssue } from './runbook-pack-error.js';

/** Parses and validates runbook pack YAML; `source` names it in error messages. Throws RunbookPackError. */
export function parseRunbookPack(yamlText: string, source: string): RunbookPack {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new RunbookPackError(
      source,
      doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { path: '', message: `YAML syntax error: ${error.message.split('\n')[0]}`, line, column: col };
      }),
    );
  }

  const parsed = RunbookPack.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (!parsed.success) {
    throw new RunbookPackError(source, parsed.error.issues.map((issue) => located(doc, lines, issue.path, schemaMessage(issue))));
  }
  const crossIssues = crossCheckPack(parsed.data);
  if (crossIssues.length > 0) {
    throw new RunbookPackError(
      source,
      crossIssues.map((issue) => located(doc, lines, issue.path === '' ? [] : issue.path.split('.'), issue.message)),
    );
  }
  return parsed.data;
}

/** Reads, parses and validates the runbook pack at `path`. Throws RunbookPackError. */
export function loadRunbookPack(path: string): RunbookPack {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunbookPackError(path, [{ path: '', message: `cannot read the file: ${reason}` }]);
  }
  return parseRunbookPack(text, path);
}

/** Zod says "expected string, received undefined" for a missing field; say "missing" instead. */
function schemaMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return `missing; expected ${issue.expected}`;
  return issue.message;
}

/** Attaches the YAML line of the nearest node that exists on the path (a missing key points at its parent). */
function located(doc: Document, lines: LineCounter, path: readonly PropertyKey[], message: string): RunbookPackIssue {
  const keys = path.map((key) => (typeof key === 'number' ? key : String(key)));
  const dotted = keys.join('.');
  for (let depth = keys.length; depth >= 0; depth--) {
    const node: unknown = depth === 0 ? doc.contents : doc.getIn(toYamlPath(keys.slice(0, depth)), true);
    if (isNode(node) && node.range) {
      return { path: dotted, message, line: lines.linePos(node.range[0]).line };
    }
  }
  return { path: dotted, message };
}

/** Cross-check paths are strings; sequence indices must be numbers for `getIn`. */
function toYamlPath(keys: readonly (string | number)[]): (string | number)[] {
  return keys.map((key) => (typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key));
}
