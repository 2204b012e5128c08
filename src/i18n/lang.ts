/** The languages drbot speaks; commands are the same in both. */
export type Lang = 'ko' | 'en';

/** A message in both languages. */
export interface Localized {
  ko: string;
  en: string;
}

/** Picks the text for `lang`. */
export function pick(lang: Lang, text: Localized): string {
  return text[lang];
}

/** Shorthand for writing a message in both languages at the call site. */
export function l(ko: string, en: string): Localized {
  return { ko, en };
}

/** A `t(ko, en)` function for one language, for call sites that phrase many messages. */
export function translator(lang: Lang): (ko: string, en: string) => string {
  return (ko, en) => (lang === 'ko' ? ko : en);
}
