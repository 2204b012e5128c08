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

/** The longest line that may be added to a kept section from chat. */
export const MAX_KEPT_LINE = 500;

/** A line added to a kept section from chat, as its timeline entry carries it. */
export interface KeptAddition {
  section: KeptSectionName;
  /** The text as typed (escaped when it goes into the report). */
  text: string;
}

/** The timeline data of an entry that adds a line to a kept section. */
export function keptAdditionData(addition: KeptAddition): Record<string, unknown> {
  return { keep: addition.section, text: addition.text };
}

/**
 * The kept sections with the lines people added from chat since the report was last written
 * (`timeline` in order; an entry with `data.path` is a write of the report, one with `data.keep`
 * an addition; a line already in the section is not added twice). Lines added before the last write are in the file already: a person who edits or
 * removes them there is not overruled. A section still holding the template's placeholder gets the
 * added lines instead of it. Each line is escaped for Markdown (`markdownText`, which also scrubs secrets).
 */
export function withChatAdditions(kept: KeptSections, timeline: readonly { kind: string; data?: Record<string, unknown> }[], escape: (text: string) => string): KeptSections {
  const lastWrite = timeline.findLastIndex((e) => e.kind === 'report' && typeof e.data?.path === 'string');
  const out: KeptSections = { ...kept };
  for (const e of timeline.slice(lastWrite + 1)) {
    const section = e.kind === 'report' ? e.data?.keep : undefined;
    if ((section !== 'prevention' && section !== 'lessons') || typeof e.data?.text !== 'string') continue;
    const body = out[section];
    const isPlaceholder = body === undefined || Object.values(KEPT_PLACEHOLDERS[section]).includes(body.trim());
    const line = `${section === 'prevention' ? '- [ ] ' : '- '}${escape(e.data.text.slice(0, MAX_KEPT_LINE))}`;
    // A write renders twice (before and after its tick): the first already put the line in the file.
    if (!isPlaceholder && body!.split('\n').some((l) => l.trim() === line)) continue;
    out[section] = isPlaceholder ? line : `${body!.replace(/\s+$/, '')}\n${line}`;
  }
  return out;
}
