import { afterEach, describe, expect, it } from '@jest/globals';
import { replyViews } from '../../src/views/view.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime | undefined;
afterEach(async () => core?.close());

async function item(id: string) {
  const views = await replyViews(await core!.router.dispatch('/incident checks run monthly', core!.as('Park DevOps')));
  const list = views[0]!.blocks.find((b) => b.type === 'list');
  return list && list.type === 'list' ? list.items.find((i) => i.text.includes(`(${id})`)) : undefined;
}

describe('/incident checks done', () => {
  it('records who did a manual monthly item and when; the next monthly run shows it ok until a month has passed', async () => {
    core = await buildTestRuntime();
    const before = (await item('procedure-review'))!;
    expect(before.mark).toBe('warn');
    expect(before.detail).toContain('when done: /incident checks done procedure-review <evidence>');
    const done = await core.router.dispatch('/incident checks done procedure-review document v1.1 reviewed with the team', core.as('Kim DevOps'));
    expect(await replyText(done)).toContain('☑ Update the procedure document (procedure-review) done by Kim DevOps at 2026-11-24 10:00: document v1.1 reviewed with the team');
    const after = (await item('procedure-review'))!;
    expect(after.mark).toBe('ok');
    expect(after.detail).toBe('done by Kim DevOps at 2026-11-24 10:00 (0 days ago): document v1.1 reviewed with the team');
    await core.clock.set(core.clock.now() + 32 * 86_400_000);
    expect((await item('procedure-review'))!.mark).toBe('warn');
  });

  it('refuses an unknown item, an item drbot checks itself, and no evidence, and records nothing', async () => {
    core = await buildTestRuntime();
    for (const [line, expected] of [
      ['/incident checks done no-such-item did it', 'No check item "no-such-item"'],
      ['/incident checks done dr-drill we did one', '"dr-drill" is checked by drbot itself (/incident drill type1)'],
      ['/incident checks done backup-restore-test ok', '"backup-restore-test" is checked by drbot itself (/incident checks run monthly)'],
      ['/incident checks done procedure-review', 'Evidence is needed'],
    ] as const) {
      const reply = await core.router.dispatch(line, core.as('Kim DevOps'));
      expect(reply.refused).toBe(true);
      expect(await replyText(reply)).toContain(expected);
    }
    expect((await core.store.tableRows('meta')).filter((r) => r.key.startsWith('check-done:'))).toEqual([]);
  });
});
