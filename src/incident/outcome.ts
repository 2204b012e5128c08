import type { Localized } from '../i18n/lang.js';

/** An expected result: the value, or the reason (in both languages) it could not be done. Nothing changed on failure. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: Localized };

/** A successful outcome. */
export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });

/** A refused outcome. */
export const refuse = <T = never>(ko: string, en: string): Outcome<T> => ({ ok: false, reason: { ko, en } });
