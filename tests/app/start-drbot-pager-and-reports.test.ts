import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startDrbot } from '../../src/app/start-drbot.js';
import { FallbackPager } from '../../src/notify/fallback-pager.js';
import { startLocalSmtpServer, type LocalSmtpServer } from '../notify/support/local-smtp-server.js';

let dir: string;
let smtp: LocalSmtpServer | undefined;
afterEach(async () => {
  await smtp?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('drbot as started', () => {
  it('pages through the fallback pager with email when SMTP_URL is set, and writes the report under REPORTS_DIR on resolve', async () => {
    dir = mkdtempSync(join(tmpdir(), 'drbot-start-pager-reports-'));
    smtp = await startLocalSmtpServer();
    const reportsDir = join(dir, 'reports');
    const output = new PassThrough();
    let printed = '';
    output.on('data', (c: Buffer) => (printed += c.toString()));
    const drbot = await startDrbot({
      env: { ...process.env, DATA_DIR: join(dir, 'data'), REPORTS_DIR: reportsDir, SMTP_URL: smtp.url, PORT: '0', DRBOT_LANG: 'ko', SLACK_BOT_TOKEN: '', MicrosoftAppId: '', DRBOT_WEBHOOK_URL: '' },
      console: true,
      output,
      log: pino({ level: 'silent' }),
    });
    const pager = drbot.app.runtime.pager;
    expect(pager).toBeInstanceOf(FallbackPager);
    expect((pager as FallbackPager).configured()).toEqual(['chat', 'email']);

    await drbot.console!.run(Readable.from(['/incident open type4 partial 컨테이너 없음\n', '/incident resolve 컨테이너 재생성\n']));
    await drbot.stop(2000);

    // The report and, beside it, its timeline picture.
    const files = readdirSync(reportsDir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^\d{4}-\d{2}-\d{2}\.md$/);
    expect(files[1]).toBe(files[0]!.replace(/\.md$/, '.svg'));
    const md = readFileSync(join(reportsDir, files[0]!), 'utf8');
    expect(md.split('\n')[0]).toBe(`# Incident Report: ${files[0]!.slice(0, 10)}`);
    expect(md).toContain('- **영향 범위**: 부분');
    expect(md).toContain('컨테이너 재생성');
    expect(printed).toMatch(/복구 완료/);
  });
});
