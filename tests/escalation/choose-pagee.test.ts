import { describe, expect, it } from '@jest/globals';
import { ContactDirectory } from '../../src/contacts/contact-directory.js';
import type { Contact } from '../../src/contacts/contact-schema.js';
import { choosePagee } from '../../src/escalation/choose-pagee.js';
import { kst } from '../scheduler/scheduler-harness.js';

/** A contact builder: always available unless given working hours. */
function aContact(name: string, available: Contact['available'] = 'always'): Contact {
  return { name, roles: ['backend'], available, pageVia: ['chat'] };
}
const weekdays: Contact['available'] = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '18:00', holidays: false };

function directory(contacts: Contact[], holidays: string[] = []) {
  return new ContactDirectory({ contacts }, 'Asia/Seoul', new Set(holidays));
}

describe('choosePagee', () => {
  it('picks the first holder inside their window', () => {
    const choice = choosePagee(directory([aContact('Lee', weekdays)]), 'backend', { assignments: {} }, kst(2026, 11, 24, 10, 30), 'en', 'Asia/Seoul');
    expect(choice.contact?.name).toBe('Lee');
    expect(choice.passedOver).toEqual([]);
  });

  it('passes over a holder outside hours (18:00 is outside) and names the window', () => {
    const choice = choosePagee(directory([aContact('Lee', weekdays), aContact('Yoon')]), 'backend', { assignments: {} }, kst(2026, 11, 24, 18, 0), 'en', 'Asia/Seoul');
    expect(choice.contact?.name).toBe('Yoon');
    expect(choice.passedOver).toEqual([{ contact: expect.objectContaining({ name: 'Lee' }), reason: 'outside working hours (Mon, Tue, Wed, Thu, Fri 09:00–18:00 Asia/Seoul)' }]);
  });

  it('says nobody is available, in Korean too, on a holiday', () => {
    const choice = choosePagee(directory([aContact('Lee', weekdays)], ['2026-11-24']), 'backend', { assignments: {} }, kst(2026, 11, 24, 10, 30), 'ko', 'Asia/Seoul');
    expect(choice.contact).toBeUndefined();
    expect(choice.passedOver.map((p) => p.reason)).toEqual(['공휴일 (공휴일에는 호출하지 않음)']);
  });

  it('tries the person assigned to the role first', () => {
    const choice = choosePagee(directory([aContact('Lee'), aContact('Yoon')]), 'backend', { assignments: { backend: 'Yoon' } }, kst(2026, 11, 24, 10, 30), 'en', 'Asia/Seoul');
    expect(choice.contact?.name).toBe('Yoon');
  });
});
