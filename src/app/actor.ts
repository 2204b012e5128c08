import type { Contact } from '../contacts/contact-schema.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { Role } from '../runbook/pack-schema.js';

/** Where a command came from. */
export type Platform = 'console' | 'slack' | 'teams' | 'system';

/** Who is asking: their platform identity and, when known, the contact (and so the roles) it maps to. */
export interface Actor {
  platform: Platform;
  userId: string;
  /** Name used in the timeline: the contact's name when known, else the platform's display name. */
  name: string;
  contact?: Contact;
  roles: Role[];
  /** Where this actor is acting from: the command's channel and platform event (the router sets it). */
  via?: { channel?: string; eventId?: string };
}

/** Maps a platform identity to a contact; unknown people get no roles. */
export function resolveActor(contacts: ContactDirectory, platform: Platform, userId: string, displayName?: string): Actor {
  const contact =
    platform === 'slack' ? contacts.bySlackId(userId) : platform === 'teams' ? contacts.byTeamsId(userId) : contacts.byName(userId);
  return {
    platform,
    userId,
    name: contact?.name ?? displayName ?? userId,
    contact,
    roles: contact ? [...contact.roles] : [],
  };
}

/** drbot itself, for timer-driven entries. */
export const SYSTEM_ACTOR: Actor = { platform: 'system', userId: 'drbot', name: 'drbot', roles: [] };
