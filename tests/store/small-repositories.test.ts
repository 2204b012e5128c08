import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { anIncident, anIncidentId } from '../support/an-incident.js';
import { expectUniqueViolation, storeBackends } from './store-backends.js';

describe.each(storeBackends())('agents, incident threads, report files and gauges on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('AgentRepository keeps one row per agent with its host and last presence', async () => {
    store = await backend.open();
    const agents = store.agents;
    expect(await agents.all()).toEqual([]);
    await agents.save({ id: 'rml-1', host: 'routing-ml', connected: true, lastSeenAt: TUESDAY_10_KST });
    await agents.save({ id: 'db-1', host: 'db', connected: false });
    await agents.save({ id: 'rml-1', host: 'routing-ml', connected: false, lastSeenAt: TUESDAY_10_KST + 5 });
    expect(await agents.all()).toEqual([
      { id: 'db-1', host: 'db', connected: false, lastSeenAt: undefined },
      { id: 'rml-1', host: 'routing-ml', connected: false, lastSeenAt: TUESDAY_10_KST + 5 },
    ]);
  });

  it('IncidentThreadRepository keeps the first thread saved per incident and platform', async () => {
    store = await backend.open();
    const threads = store.threads;
    const first = { incidentId: anIncidentId(1), platform: 'slack', channel: 'C1', messageId: '1700000000.0001', createdAt: TUESDAY_10_KST };
    expect(await threads.save(first)).toEqual(first);
    expect(await threads.save({ ...first, channel: 'C2', messageId: '1700000000.0002' })).toEqual(first);
    await threads.save({ ...first, platform: 'teams', channel: '19:abc', messageId: 'act-1' });
    expect(await threads.get(anIncidentId(1), 'teams')).toMatchObject({ channel: '19:abc', messageId: 'act-1' });
    expect(await threads.get(anIncidentId(2), 'slack')).toBeUndefined();
  });

  it('ReportFileRepository maps incidents and report files both ways and refuses a taken name', async () => {
    store = await backend.open();
    const files = store.reportFiles;
    await files.claim(anIncidentId(1), '2026-11-24.md');
    await expectUniqueViolation(files.claim(anIncidentId(2), '2026-11-24.md'));
    await files.claim(anIncidentId(2), '2026-11-24-2.md');
    expect(await files.fileOf(anIncidentId(1))).toBe('2026-11-24.md');
    expect(await files.ownerOf('2026-11-24-2.md')).toBe(anIncidentId(2));
    expect(await files.fileOf(anIncidentId(3))).toBeUndefined();
  });

  it('GaugeRepository counts open incidents per fault type', async () => {
    store = await backend.open();
    await store.incidents.insert(anIncident().seq(1).ofType(2).build());
    await store.incidents.insert(anIncident().seq(2).ofType(2).build());
    await store.incidents.insert(anIncident().seq(3).ofType(5).build());
    await store.incidents.insert(anIncident().seq(4).ofType(5).status('resolved').build());
    expect(Object.fromEntries(await store.gauges.openIncidentsByType())).toEqual({ 2: 2, 5: 1 });
  });
});
