import { renderText } from '../views/render-text.js';
import type { View } from '../views/view.js';
import type { OpsChannel } from './ops-channel.js';

/** The console's ops channel: prints each notice as plain text. */
export class ConsoleOpsChannel implements OpsChannel {
  constructor(private readonly print: (text: string) => void) {}

  async post(view: View): Promise<void> {
    this.print(renderText(view) + '\n');
  }
}
