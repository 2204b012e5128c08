import { z } from 'zod';
import { Role } from '../runbook/pack-schema.js';

const Day = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'time as HH:MM');

/** When a person may be paged: `always`, or days and hours in the configured time zone. */
export const Availability = z.union([
  z.literal('always'),
  z.object({ days: z.array(Day).min(1), from: HourMinute, to: HourMinute, holidays: z.boolean().default(false) }).strict(),
]);
export type Availability = z.infer<typeof Availability>;

/** Channels a page may go through, in the order tried. */
export const PageChannel = z.enum(['chat', 'email', 'webhook']);
export type PageChannel = z.infer<typeof PageChannel>;

/** One person on the contact list. */
export const Contact = z
  .object({
    name: z.string().min(1).max(100),
    roles: z.array(Role).min(1),
    slack: z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U0123ABCD').optional(),
    teams: z.string().min(3).optional(),
    email: z.string().email().optional(),
    phone: z.string().optional(),
    available: Availability.default('always'),
    pageVia: z.array(PageChannel).min(1).default(['chat', 'email', 'webhook']),
  })
  .strict();
export type Contact = z.infer<typeof Contact>;

/** `config/contacts.yaml`. */
export const ContactsFile = z
  .object({
    /** Date (YYYY-MM-DD) the list was last checked by a person; the monthly check warns past 30 days. */
    reviewed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    contacts: z.array(Contact).min(1),
  })
  .strict()
  .refine((f) => new Set(f.contacts.map((c) => c.name.toLowerCase())).size === f.contacts.length, {
    message: 'contact names must be unique',
    path: ['contacts'],
  });
export type ContactsFile = z.infer<typeof ContactsFile>;
