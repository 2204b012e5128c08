import type { Contact } from '../contacts/contact-schema.js';
import { plainText } from '../markup/plain.js';
import type { ChatPageSender, PageRequest } from './pager.js';
import { drillTag } from '../incident/drill.js';

/** Console mode's pages: one `PAGE → <name> (<role>) …` line each (the console reaches everyone). */
export class ConsolePageSender implements ChatPageSender {
  readonly platform = 'console' as const;

  constructor(private readonly print: (line: string) => void) {}

  canReach(contact: Contact): boolean {
    void contact;
    return true;
  }

  async send(request: PageRequest): Promise<void> {
    const summary = request.summary.replace(/\s*\n\s*/g, ' | ');
    this.print(plainText(`${drillTag(request.incident)}PAGE → ${request.contact.name} (${request.role}) ${request.incident.id} L${request.level}: ${summary}`));
  }
}
