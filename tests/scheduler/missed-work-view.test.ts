import { describe, expect, it } from '@jest/globals';
import { missedWorkView, type MissedItem } from '../../src/scheduler/missed-work.js';
import { anIncidentId } from '../support/an-incident.js';

const ID = anIncidentId();
const DUE = Date.UTC(2026, 10, 24, 1, 30);
const item = (what: string, key: string, at: number, dueAt = DUE): MissedItem => ({ key, timer: key, incidentId: ID, what, dueAt, at, outcome: 'ran', detail: '' });

describe('missedWorkView', () => {
  it('lists items due at the same moment in one order, whichever replica reached them first', () => {
    const core = { lang: 'en' as const, timeZone: 'Asia/Seoul' };
    const page = item('level 1 page', 't-9', DUE + 7 * 86_400_000 + 2_000);
    const reminder = item('quiet-incident reminder', 't-1', DUE + 7 * 86_400_000 + 1_000);
    const later = item('level 2 page', 't-5', DUE + 7 * 86_400_000, DUE + 30 * 60_000);
    const texts = (items: MissedItem[]) => {
      const view = missedWorkView(items, core);
      const list = view.blocks.find((b) => b.type === 'list');
      return { key: view.key, lines: list && list.type === 'list' ? list.items.map((i) => i.text) : [] };
    };
    const one = texts([reminder, later, page]);
    const other = texts([page, reminder, later]);
    expect(one).toEqual(other);
    expect(one.lines).toEqual([`level 1 page · ${ID}`, `quiet-incident reminder · ${ID}`, `level 2 page · ${ID}`]);
  });
});
