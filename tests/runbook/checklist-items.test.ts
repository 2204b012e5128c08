import { expect, test } from '@jest/globals';
import { allChecklistItems } from '../../src/runbook/checklist-items.js';
import { parseRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import { aRunbookPack } from './a-runbook-pack.js';

test('allChecklistItems lists immediate, during and after items in order with their list', () => {
  const pack = parseRunbookPack(
    aRunbookPack().withChecklistItem('immediate', { id: 'identify-type' }).withChecklistItem('after', { id: 'docs-updated' }).toYaml(),
    'test.yaml',
  );
  expect(allChecklistItems(pack).map(({ list, item }) => [list, item.id])).toEqual([
    ['immediate', 'record-time'],
    ['immediate', 'identify-type'],
    ['during', 'cause-identified'],
    ['after', 'service-verified'],
    ['after', 'docs-updated'],
  ]);
});
