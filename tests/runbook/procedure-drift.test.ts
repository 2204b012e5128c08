import { describe, expect, test } from '@jest/globals';
import { compareDocuments, driftSummary } from '../../src/runbook/procedure-drift.js';

const DOC = ['# Title', '', 'line a', 'line b', 'line c', ''].join('\n');

describe('compareDocuments', () => {
  test('the same text matches, whatever the line endings, trailing spaces and final blank lines', () => {
    expect(compareDocuments(DOC, DOC)).toBeUndefined();
    expect(compareDocuments(DOC.replace(/\n/g, '\r\n').replace('line a', 'line a   ') + '\n\n', DOC)).toBeUndefined();
  });

  test('names the lines the committed document lacks and the ones it has that the rendering does not', () => {
    const committed = DOC.replace('line b\n', '').replace('line c', 'line c (edited by hand)\nline d');
    expect(compareDocuments(committed, DOC)).toEqual({ missing: ['line b', 'line c'], extra: ['line c (edited by hand)', 'line d'] });
  });

  test('counts a repeated line each time', () => {
    expect(compareDocuments(DOC, DOC.replace('line a', 'line a\nline a'))).toEqual({ missing: ['line a'], extra: [] });
  });

  test('the same lines in another order are reported as reordered, from the first line that differs', () => {
    expect(compareDocuments(DOC.replace('line a\nline b', 'line b\nline a'), DOC)).toEqual({ missing: [], extra: [], reorderedAt: 3 });
  });
});

describe('driftSummary', () => {
  test('counts and quotes the first three lines of each kind, cut short, and ends with the command that writes the document', () => {
    const long = `| **1차 대응** | ${'x'.repeat(100)} |`;
    const text = driftSummary({ missing: ['a', '', 'b', 'c', 'd'], extra: [long] }, 'docs/p.md', 'drbot runbook render --lang ko --out docs/p.md', 'en');
    expect(text).toBe(
      `docs/p.md no longer matches the runbook pack and contacts: 5 lines missing ("a", "b", "c"); 1 line not in the rendering ("${long.slice(0, 59)}…"). write it again: drbot runbook render --lang ko --out docs/p.md`,
    );
    expect(driftSummary({ missing: [], extra: [], reorderedAt: 7 }, 'docs/p.md', 'CMD', 'ko')).toBe('docs/p.md의 줄 순서가 렌더링과 다릅니다 (7번째 줄부터). 다시 만들기: CMD');
  });
});
