import { describe, expect, it } from '@jest/globals';
import { startOrder } from '../../src/app/start-order.js';
import { ErrorCode } from '../../src/errors/drbot-error.js';

const m = (name: string, deps: { needs?: string[]; after?: string[] } = {}) => ({ name, ...deps });
const names = (ms: { name: string }[]) => ms.map((x) => x.name);

describe('startOrder', () => {
  it('starts each module after what it needs and what it starts after, otherwise in the given order', () => {
    const order = startOrder([m('scheduler', { after: ['slack', 'teams', 'agent-link'] }), m('reports'), m('slack', { after: ['reports'] }), m('agent-link'), m('metrics')]);
    expect(names(order)).toEqual(['reports', 'slack', 'agent-link', 'scheduler', 'metrics']);
    const at = (n: string) => names(order).indexOf(n);
    expect(at('slack')).toBeLessThan(at('scheduler'));
    expect(at('agent-link')).toBeLessThan(at('scheduler'));
    expect(at('reports')).toBeLessThan(at('slack'));
    expect(order).toHaveLength(5);
  });

  it('keeps the given order when nothing is declared', () => {
    expect(names(startOrder([m('c'), m('a'), m('b')]))).toEqual(['c', 'a', 'b']);
  });

  it('ignores an `after` module that is not running, but refuses a missing `needs`', () => {
    expect(names(startOrder([m('scheduler', { after: ['teams'] }), m('reports')]))).toEqual(['scheduler', 'reports']);
    expect(() => startOrder([m('web', { needs: ['agent-link'] })])).toThrow(expect.objectContaining({ code: ErrorCode.ConfigInvalid, message: 'module "web" needs "agent-link", which is not running' }));
  });

  it('refuses a circle and two modules of one name, naming them', () => {
    expect(() => startOrder([m('a', { needs: ['b'] }), m('b', { after: ['a'] })])).toThrow('modules depend on each other in a circle: a → b → a');
    expect(() => startOrder([m('a'), m('a')])).toThrow('two modules are named "a"');
  });
});
