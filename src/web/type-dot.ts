import { html, type Markup } from '../markup/html.js';

/** A fault type's colour as a small dot (inline SVG: the CSP allows no inline style). */
export function typeDot(colour: string): Markup {
  return html`<svg class="dot" width="10" height="10" viewBox="0 0 10 10" aria-hidden="true" focusable="false"><circle cx="5" cy="5" r="5" fill="${colour}"/></svg>`;
}
