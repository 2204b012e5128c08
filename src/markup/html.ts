/**
 * The one escaper for everything drbot writes as HTML or SVG. Text goes in through the `html`
 * tagged template, which escapes every interpolated value unless it is already `Markup`; so
 * markup can only be built from literals in drbot's own source and from escaped values.
 */
import { safeText } from './clean-text.js';

/** A string that is already safe markup (built by `html`, or a trusted literal through `trustedMarkup`). */
export class Markup {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

/** What `html` accepts between its literals: arrays render item after item; null, undefined and false render nothing. */
export type MarkupValue = Markup | string | number | boolean | null | undefined | readonly MarkupValue[];

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for an HTML/XML text node or a quoted attribute value. Like every escaper in
 * src/markup it first removes control, format and bidi characters (XML 1.0 does not allow most
 * controls; a bidi override would make the text read differently) and scrubs secrets.
 */
export function escapeMarkup(text: string): string {
  return safeText(text).replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

/** Tagged template that escapes every interpolated value: html`<td>${name}</td>`. Attribute values must be quoted. */
export function html(strings: TemplateStringsArray, ...values: MarkupValue[]): Markup {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Markup(out);
}

/** Wraps a string drbot itself produced (never user or host text) as markup without escaping it. */
export function trustedMarkup(value: string): Markup {
  return new Markup(value);
}

function render(value: MarkupValue): string {
  if (value instanceof Markup) return value.value;
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeMarkup(String(value));
}
