import { describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { findFaultType } from '../../src/runbook/find-fault-type.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';

const pack = loadRunbookPack(fileURLToPath(new URL('../../runbooks/routing-ml.yaml', import.meta.url)));

describe('findFaultType on the routing-ml pack', () => {
  test.each<[string, number]>([
    ['2', 2],
    ['type2', 2],
    ['Type2', 2],
    ['TYPE 2', 2],
    ['t2', 2],
    ['T4', 4],
    ['type-3', 3],
    ['  5  ', 5],
    ['api', 1],
    ['backend', 1],
    ['백엔드', 1],
    ['db', 2],
    ['Database', 2],
    ['access', 2],
    ['디비', 2],
    ['데이터베이스', 2],
    ['network', 3],
    ['net', 3],
    ['네트워크', 3],
    ['docker', 4],
    ['Container', 4],
    ['컨테이너', 4],
    ['model', 5],
    ['모델', 5],
    ['🔵', 5],
  ])('%j is type %i', (token, id) => {
    expect(findFaultType(pack, token)?.id).toBe(id);
  });

  test('matches Korean aliases typed in decomposed (NFD) form', () => {
    expect(findFaultType(pack, '데이터베이스'.normalize('NFD'))?.id).toBe(2);
  });

  test.each(['', '   ', '6', 'type 0', 'type22', 'printer', 't', 'db2'])('%j is no type', (token) => {
    expect(findFaultType(pack, token)).toBeUndefined();
  });
});
