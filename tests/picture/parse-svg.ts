import { DOMParser, onWarningStopParsing, type Element } from '@xmldom/xmldom';

/** A parsed SVG: its root and a query for elements by tag and class. */
export interface ParsedSvg {
  root: Element;
  /** Elements with this tag name (any tag when `*`) whose class list holds `className` (any class when omitted). */
  all(tag: string, className?: string): Element[];
  /** The one element matching; throws when there is not exactly one. */
  one(tag: string, className?: string, attr?: [string, string]): Element;
}

/** Parses SVG text as strict XML: any warning or error fails (so a stray `<` or `&` in text is caught). */
export function parseSvg(svg: string): ParsedSvg {
  const doc = new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.tagName !== 'svg') throw new Error(`not an SVG document: ${svg.slice(0, 80)}`);
  const all = (tag: string, className?: string): Element[] =>
    Array.from(root.getElementsByTagName(tag)).filter((e) => className === undefined || (e.getAttribute('class') ?? '').split(/\s+/).includes(className));
  return {
    root,
    all,
    one(tag, className, attr) {
      const found = all(tag, className).filter((e) => !attr || e.getAttribute(attr[0]) === attr[1]);
      if (found.length !== 1) throw new Error(`expected one <${tag} class="${className}"${attr ? ` ${attr[0]}="${attr[1]}"` : ''}>, found ${found.length}`);
      return found[0]!;
    },
  };
}

/** A numeric attribute of an element. */
export function num(el: Element, attr: string): number {
  const v = el.getAttribute(attr);
  if (v === null || v === '' || Number.isNaN(Number(v))) throw new Error(`<${el.tagName}> has no numeric ${attr}: ${v}`);
  return Number(v);
}
