import { describe, expect, it } from '@jest/globals';
import { changedWhat, planChanges } from '../../src/incident/step-plan.js';

describe('changedWhat', () => {
  it('names what changed by its facts, a fact’s details under the fact, the target only when nothing else is named', () => {
    const before = { target: 'access_db ← /b/a.accdb', facts: [{ label: 'backup', value: '/b/a.accdb' }, { label: 'backup size', value: '10 bytes' }, { label: 'backup age', value: '50 h old', volatile: true }, { label: 'newest backup', value: 'a.accdb' }] };
    const after = { target: 'access_db ← /b/b.accdb', facts: [{ label: 'backup', value: '/b/b.accdb' }, { label: 'backup size', value: '12 bytes' }, { label: 'backup age', value: '26 h old', volatile: true }, { label: 'newest backup', value: 'b.accdb' }] };
    expect(changedWhat(planChanges(before, after))).toBe('the backup and the newest backup');
    expect(changedWhat(planChanges(before, { ...before, facts: before.facts.map((f) => (f.label === 'newest backup' ? { ...f, value: 'c.accdb' } : f)) }))).toBe('the newest backup');
    expect(changedWhat(planChanges({ target: 'port 8000', facts: [] }, { target: 'port 8001', facts: [] }))).toBe('the target');
    expect(changedWhat(['the agent for routing-ml is offline'])).toBe('the host');
  });
});
