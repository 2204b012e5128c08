import { describe, expect, it } from '@jest/globals';
import { escapeMarkup, html, Markup, trustedMarkup } from '../../src/markup/html.js';

describe('html tagged template', () => {
  it('escapes every interpolated string and number, in text and in quoted attributes', () => {
    const name = `"><script>alert('x')</script>&amp;`;
    expect(html`<td title="${name}">${name}</td>`.value).toBe(
      '<td title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;</td>',
    );
    expect(html`<b>${42}</b>`.value).toBe('<b>42</b>');
  });

  it('passes markup built by html through once, and renders arrays item by item', () => {
    const rows = ['<a>', 'b&c'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${rows}</ul>`.value).toBe('<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>');
    expect(html`${html`${'<'}`}`.value).toBe('&lt;');
    expect(html`<i>${trustedMarkup('<br>')}</i>`.value).toBe('<i><br></i>');
    expect(html`x`).toBeInstanceOf(Markup);
  });

  it('renders nothing for null, undefined and false, so conditions read naturally', () => {
    const none: string | undefined = undefined;
    expect(html`[${null}${none}${false}${0}]`.value).toBe('[0]');
  });

  it('drops control characters XML does not allow, keeping tabs and newlines', () => {
    expect(escapeMarkup('a\u0000b\u0001c\u001bd\te\nf\u007f')).toBe('abcd\te\nf');
  });
});
