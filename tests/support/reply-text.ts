import { renderText } from '../../src/views/render-text.js';
import type { Reply } from '../../src/views/view.js';

/** A reply as the console shows it, for assertions. */
export function replyText(reply: Reply): string {
  return reply.views.map(renderText).join('\n\n');
}
