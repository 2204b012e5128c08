import type { Lang } from '../i18n/lang.js';

/** The report sections people write themselves: prevention measures and lessons learned. */
export type KeptSectionName = 'prevention' | 'lessons';

/** Human-written text of the kept sections, as found in an existing report. */
export type KeptSections = Partial<Record<KeptSectionName, string>>;

/** The report headings of each kept section, per language (the procedure's template wording in Korean). */
export const KEPT_HEADINGS: Record<KeptSectionName, Record<Lang, string>> = {
  prevention: { ko: '## 재발 방지 대책', en: '## Prevention' },
  lessons: { ko: '## 교훈', en: '## Lessons learned' },
};

/** What a kept section holds before anyone writes in it: the template's own placeholders. */
export const KEPT_PLACEHOLDERS: Record<KeptSectionName, Record<Lang, string>> = {
  prevention: { ko: '- [ ] [대책 1]\n- [ ] [대책 2]', en: '- [ ] [measure 1]\n- [ ] [measure 2]' },
  lessons: { ko: '[배운 점]', en: '[what we learned]' },
};

const NAMES: readonly KeptSectionName[] = ['prevention', 'lessons'];

/** The markers around a kept section; what lies between them survives every re-render. */
export function keptMarkers(name: KeptSectionName): { start: string; end: string } {
  return { start: `<!-- drbot:keep ${name} -->`, end: `<!-- /drbot:keep ${name} -->` };
}

/** A kept section's body wrapped in its markers. */
export function keptBlock(name: KeptSectionName, body: string): string {
  const { start, end } = keptMarkers(name);
  return `${start}\n${body.replace(/^\n+|\s+$/g, '')}\n${end}`;
}

/**
 * Reads the kept sections of an existing report: the text between a section's markers or, when
 * someone deleted the markers, everything under the section's heading up to the next `## `.
 * Headings of either language are recognised, so switching `lang` keeps what people wrote.
 */
export function parseKeptSections(markdown: string): KeptSections {
  const text = markdown.replace(/\r\n/g, '\n');
  const kept: KeptSections = {};
  for (const name of NAMES) {
    const { start, end } = keptMarkers(name);
    const from = text.indexOf(start);
    const to = from >= 0 ? text.indexOf(end, from + start.length) : -1;
    if (from >= 0 && to >= 0) {
      kept[name] = trimBlock(text.slice(from + start.length, to));
      continue;
    }
    const underHeading = sectionUnder(text, Object.values(KEPT_HEADINGS[name]));
    if (underHeading !== undefined) kept[name] = trimBlock(underHeading.replace(/<!-- \/?drbot:keep [a-z]+ -->/g, ''));
  }
  return kept;
}

function sectionUnder(text: string, headings: string[]): string | undefined {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => headings.includes(l.trim()));
  if (at < 0) return undefined;
  const next = lines.findIndex((l, i) => i > at && /^#{1,2} /.test(l));
  return lines.slice(at + 1, next < 0 ? undefined : next).join('\n');
}

function trimBlock(block: string): string {
  return block.replace(/^\n+|\s+$/g, '');
}
