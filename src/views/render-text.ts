import { plainText } from '../markup/plain.js';
import type { Block, Mark, View } from './view.js';

/** The sign shown for each mark, the same on every platform. */
export const MARK_SIGNS: Record<Mark, string> = {
  ok: '✅',
  warn: '⚠️',
  fail: '❌',
  pending: '⏳',
  running: '🔄',
  done: '☑️',
  todo: '⬜',
  info: '•',
};

/** Renders a view as plain text for the console; every action shows as the command to type. Control and bidi characters are removed and secrets scrubbed. */
export function renderText(view: View): string {
  const out: string[] = [];
  if (view.header) out.push(`${view.header.emoji ? view.header.emoji + ' ' : ''}${view.header.title}`, '='.repeat(Math.min(72, displayWidth(view.header.title) + 3)));
  for (const block of view.blocks) out.push(...renderBlock(block));
  return plainText(out.join('\n')).replace(/\n{3,}/g, '\n\n').trimEnd();
}

function renderBlock(block: Block): string[] {
  switch (block.type) {
    case 'text':
      return [block.text];
    case 'fields': {
      const width = Math.max(...block.fields.map((f) => displayWidth(f.label)));
      return block.fields.map((f) => `${f.label}${' '.repeat(width - displayWidth(f.label))} : ${f.value}`);
    }
    case 'list': {
      const lines = block.title ? ['', `[${block.title}]`] : [];
      for (const item of block.items) {
        lines.push(`  ${item.mark ? MARK_SIGNS[item.mark] + ' ' : '- '}${item.text}`);
        if (item.detail) lines.push(...item.detail.split('\n').map((l) => `      ${l}`));
        if (item.action) lines.push(`      → ${item.action.command}`);
      }
      return lines;
    }
    case 'code':
      return block.text.split('\n').map((l) => `    ${l}`);
    case 'divider':
      return [''];
    case 'actions':
      return ['', ...block.actions.map((a) => `  [${a.label}] ${a.command}`)];
    case 'choices':
      return ['', `[${block.title}]`, ...block.options.flatMap((o) => [`  ${o.selected ? '▶' : '-'} ${o.label}`, `      → ${o.command}`])];
  }
}

/** Column width of a string, counting CJK characters as two columns. */
function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
