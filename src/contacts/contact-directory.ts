import { hhmm, isoDay, localTime } from '../i18n/format-time.js';
import type { Role } from '../runbook/pack-schema.js';
import type { Contact, ContactsFile } from './contact-schema.js';

const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Looks people up by role and platform id, and knows when each may be paged. */
export class ContactDirectory {
  constructor(
    private readonly file: ContactsFile,
    private readonly timeZone: string,
    private readonly holidays: ReadonlySet<string> = new Set(),
  ) {}

  /** Everyone on the list, in file order. */
  all(): readonly Contact[] {
    return this.file.contacts;
  }

  /** The date the list was last reviewed, if the file says. */
  reviewed(): string | undefined {
    return this.file.reviewed;
  }

  /** People holding `role`, in file order (the order they are paged in). */
  withRole(role: Role): Contact[] {
    return this.file.contacts.filter((c) => c.roles.includes(role));
  }

  /** The contact with this Slack user id. */
  bySlackId(id: string): Contact | undefined {
    return this.file.contacts.find((c) => c.slack === id);
  }

  /** The contact with this Teams/AAD user id. */
  byTeamsId(id: string): Contact | undefined {
    return this.file.contacts.find((c) => c.teams === id);
  }

  /** The contact with this name (case-insensitive). */
  byName(name: string): Contact | undefined {
    const wanted = name.trim().toLowerCase();
    return this.file.contacts.find((c) => c.name.toLowerCase() === wanted);
  }

  /** True when `at` is a configured public holiday in the directory's time zone. */
  isHoliday(at: number): boolean {
    return this.holidays.has(isoDay(localTime(at, this.timeZone)));
  }

  /** True when the contact may be paged at `at` (their window, in the configured time zone, and not a holiday unless they cover holidays). */
  isAvailable(contact: Contact, at: number): boolean {
    const window = contact.available;
    if (window === 'always') return true;
    const local = localTime(at, this.timeZone);
    if (!window.holidays && this.holidays.has(isoDay(local))) return false;
    if (!window.days.includes(DAY_NAMES[local.weekday]!)) return false;
    const now = hhmm(local);
    return now >= window.from && now < window.to;
  }
}
