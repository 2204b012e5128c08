import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { formatIssues } from '../config/load-config.js';
import { ContactsError } from '../errors/drbot-error.js';
import { ContactsFile } from './contact-schema.js';

/** Reads and validates the contacts file; errors name the bad field. */
export function loadContacts(path: string): ContactsFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ContactsError(`${path}: ${(err as Error).message}`, 'set DRBOT_CONTACTS or create config/contacts.yaml');
  }
  const parsed = ContactsFile.safeParse(raw);
  if (!parsed.success) throw new ContactsError(`${path} is invalid:\n${formatIssues(parsed.error)}`, 'fix the named field');
  return parsed.data;
}
