import type { PageRequest } from '../../../src/notify/pager.js';
import type { Role } from '../../../src/runbook/pack-schema.js';
import type { TestRuntime } from '../../support/test-runtime.js';

/** Builds a page for a person on the contact list about a freshly opened incident. */
export function aPageRequest(core: TestRuntime) {
  let person = 'Kim DevOps';
  let level = 0;
  let role: Role = 'devops';
  let contactOverrides: Partial<PageRequest['contact']> = {};
  const builder = {
    to(name: string) {
      person = name;
      return builder;
    },
    atLevel(l: number, r: Role) {
      level = l;
      role = r;
      return builder;
    },
    withContact(overrides: Partial<PageRequest['contact']>) {
      contactOverrides = overrides;
      return builder;
    },
    async build(): Promise<PageRequest> {
      const opened = await core.router.dispatch('/incident open type1 full', core.as('Kim DevOps'));
      const incident = (await core.store.incidents.get(opened.incidentId!))!;
      const contact = { ...core.contacts.byName(person)!, ...contactOverrides };
      return { incident, level, role, contact, summary: `${incident.id} Type 1 · elapsed 0 min\nSteps tried: none yet`, lang: core.lang };
    },
  };
  return builder;
}
