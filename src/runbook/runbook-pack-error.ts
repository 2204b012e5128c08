import { DrbotError, ErrorCode } from '../errors/drbot-error.js';

/** One problem found in a runbook pack, at a dotted path such as `types.1.stages.0.steps.2.action`. */
export interface RunbookPackIssue {
  /** Dotted path into the pack (array indices, not ids); empty for the document as a whole. */
  readonly path: string;
  /** What is wrong and, where it helps, how to fix it. */
  readonly message: string;
  /** 1-based line in the YAML source, when known. */
  readonly line?: number;
  /** 1-based column in the YAML source, given for syntax errors. */
  readonly column?: number;
}

/** Thrown when a runbook pack cannot be read, is not valid YAML, or breaks the schema or the cross-checks. */
export class RunbookPackError extends DrbotError {
  /** Every problem found, in document order. */
  readonly issues: readonly RunbookPackIssue[];
  /** File name or other label of the pack that failed. */
  readonly source: string;

  constructor(source: string, issues: readonly RunbookPackIssue[]) {
    const noun = issues.length === 1 ? 'problem' : 'problems';
    super(
      ErrorCode.RunbookInvalid,
      `Runbook pack ${source} is invalid (${issues.length} ${noun}):\n${issues.map((i) => `  ${formatRunbookPackIssue(i)}`).join('\n')}`,
      `fix the listed fields in ${source}, then check it with: drbot validate-runbook ${source}`,
    );
    this.source = source;
    this.issues = issues;
  }
}

/** Renders one issue as `path: message (line N)` for people. */
export function formatRunbookPackIssue(issue: RunbookPackIssue): string {
  const where = issue.path === '' ? '(document)' : issue.path;
  const column = issue.column === undefined ? '' : `, column ${issue.column}`;
  const line = issue.line === undefined ? '' : ` (line ${issue.line}${column})`;
  return `${where}: ${issue.message}${line}`;
}
