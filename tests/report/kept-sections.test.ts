import { describe, expect, it } from '@jest/globals';
import { keptBlock, parseKeptSections } from '../../src/report/kept-sections.js';

const aReport = (prevention: string, lessons: string) =>
  ['# Incident Report: 2026-11-24', '', '## 개요', '- x', '', '## 재발 방지 대책', keptBlock('prevention', prevention), '', '## 교훈', keptBlock('lessons', lessons), ''].join('\n');

describe('parseKeptSections', () => {
  it('reads back exactly what was written between the markers, blank lines and all', () => {
    const kept = parseKeptSections(aReport('- [x] 알림 추가\n\n- [ ] 문서 갱신', '첫 문단\n\n```\ncode\n```'));
    expect(kept).toEqual({ prevention: '- [x] 알림 추가\n\n- [ ] 문서 갱신', lessons: '첫 문단\n\n```\ncode\n```' });
  });

  it('falls back to the text under the heading when someone deleted the markers', () => {
    const md = '# Incident Report: 2026-11-24\n\n## 재발 방지 대책\n- [ ] 직접 쓴 대책\n\n## 교훈\n손으로 쓴 교훈\n';
    expect(parseKeptSections(md)).toEqual({ prevention: '- [ ] 직접 쓴 대책', lessons: '손으로 쓴 교훈' });
  });

  it('recognises the English headings too, so switching the language keeps the text', () => {
    const md = '# Incident Report: 2026-11-24\n\n## Prevention\n- [ ] alert on memory\n\n## Lessons learned\nwatch OOM events\n';
    expect(parseKeptSections(md)).toEqual({ prevention: '- [ ] alert on memory', lessons: 'watch OOM events' });
  });

  it('finds nothing in a file without those sections', () => {
    expect(parseKeptSections('# something else\n')).toEqual({});
  });

  it('handles Windows line endings', () => {
    expect(parseKeptSections(aReport('- [ ] a', 'b').replace(/\n/g, '\r\n'))).toEqual({ prevention: '- [ ] a', lessons: 'b' });
  });
});
