import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { Contact } from '../contacts/contact-schema.js';
import type { Lang } from '../i18n/lang.js';
import type { Incident } from '../incident/incident.js';
import type { Role } from '../runbook/pack-schema.js';

/** Someone with the role who was passed over, and why (for the timeline). */
export interface PassedOver {
  contact: Contact;
  reason: string;
}

/** Who to page for a role now: the first available holder (the incident's assignee first), and who was passed over. */
export interface PageeChoice {
  contact?: Contact;
  passedOver: PassedOver[];
}

const DAY_LABELS: Record<string, { ko: string; en: string }> = {
  mon: { ko: '월', en: 'Mon' },
  tue: { ko: '화', en: 'Tue' },
  wed: { ko: '수', en: 'Wed' },
  thu: { ko: '목', en: 'Thu' },
  fri: { ko: '금', en: 'Fri' },
  sat: { ko: '토', en: 'Sat' },
  sun: { ko: '일', en: 'Sun' },
};

/** Picks the next available person holding `role` at `at`, in contact-list order with the incident's assignee first. */
export function choosePagee(contacts: ContactDirectory, role: Role, incident: Pick<Incident, 'assignments'>, at: number, lang: Lang, timeZone: string): PageeChoice {
  const assigned = incident.assignments[role];
  const holders = contacts.withRole(role).sort((a, b) => (a.name === assigned ? -1 : b.name === assigned ? 1 : 0));
  const passedOver: PassedOver[] = [];
  for (const contact of holders) {
    if (contacts.isAvailable(contact, at)) return { contact, passedOver };
    passedOver.push({ contact, reason: unavailableReason(contacts, contact, at, lang, timeZone) });
  }
  return { passedOver };
}

/** Why a contact may not be paged at `at`: a holiday, or outside their days and hours. */
export function unavailableReason(contacts: ContactDirectory, contact: Contact, at: number, lang: Lang, timeZone: string): string {
  const window = contact.available;
  if (window === 'always') return lang === 'ko' ? '호출 가능' : 'available';
  if (!window.holidays && contacts.isHoliday(at)) return lang === 'ko' ? '공휴일 (공휴일에는 호출하지 않음)' : 'public holiday (not paged on holidays)';
  const days = window.days.map((d) => DAY_LABELS[d]![lang]).join(lang === 'ko' ? '·' : ', ');
  return lang === 'ko'
    ? `근무 시간 외 (${days} ${window.from}–${window.to} ${timeZone})`
    : `outside working hours (${days} ${window.from}–${window.to} ${timeZone})`;
}
