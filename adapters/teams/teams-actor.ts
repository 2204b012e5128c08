import type { ChannelAccount } from 'botbuilder';
import { resolveActor, type Actor } from '../../src/app/actor.js';
import type { ContactDirectory } from '../../src/contacts/contact-directory.js';

/** The Teams user as a drbot actor: the contact list may hold their AAD object id or their Teams (`29:`) id. */
export function teamsActor(contacts: ContactDirectory, from: Partial<ChannelAccount> | undefined): Actor {
  const aad = from?.aadObjectId;
  const id = aad && contacts.byTeamsId(aad) ? aad : (from?.id ?? aad ?? 'unknown');
  return resolveActor(contacts, 'teams', id, from?.name);
}
