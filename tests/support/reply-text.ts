import { renderText } from '../../src/views/render-text.js';
import { replyViews, type Reply } from '../../src/views/view.js';

/** A reply as the console shows it (the card built too), for assertions. */
export async function replyText(reply: Reply): Promise<string> {
  return (await replyViews(reply)).map(renderText).join('\n\n');
}
