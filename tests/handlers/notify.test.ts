import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EmailNoticeChannel } from '../../src/notify/email-notice-channel.js';
import type { NoticeChannel, UserNotice } from '../../src/notify/notice-channel.js';
import { SmtpMailer } from '../../src/notify/smtp-mailer.js';
import { startLocalSmtpServer, type LocalSmtpServer } from '../notify/support/local-smtp-server.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

const MIN = 60_000;

/** A user-facing chat channel that keeps what it was asked to post, or fails like a platform outage. */
class RecordingNoticeChannel implements NoticeChannel {
  posted: UserNotice[] = [];
  failWith?: string;
  constructor(readonly name: string) {}
  async post(notice: UserNotice): Promise<string> {
    if (this.failWith) throw new Error(this.failWith);
    this.posted.push(notice);
    return `${this.name} #routing-ml-users`;
  }
}

let core: TestRuntime;
let smtp: LocalSmtpServer;
let mailer: SmtpMailer;
let slack: RecordingNoticeChannel;
let id: string;

beforeEach(async () => {
  core = await buildTestRuntime({ lang: 'ko' });
  smtp = await startLocalSmtpServer();
  mailer = new SmtpMailer(smtp.url, { from: 'drbot <drbot@example.com>', timeoutMs: 10_000 });
  slack = new RecordingNoticeChannel('slack');
  id = (await core.router.dispatch('/incident open type2 partial DB 접속 실패', core.as('Kim DevOps'))).incidentId!;
});
afterEach(async () => {
  mailer.close();
  await smtp.close();
  await core.close();
});

const ticked = async () => (await core.store.incidents.checklist(id)).map((t) => t.itemId);

describe('/incident notify', () => {
  it('posts the outage notice to every user channel and the mailing list, ticks 사용자 알림 and records where it went', async () => {
    core.notices.register(slack);
    core.notices.register(new EmailNoticeChannel(mailer, ['users@example.com', 'routing-ml@example.com']));
    await core.clock.advance(12 * MIN);

    const reply = await core.router.dispatch(`/incident notify ${id} outage 예측 API가 느리거나 실패할 수 있습니다`, core.as('Park DevOps'));

    expect(reply.refused).toBeFalsy();
    expect(await replyText(reply)).toContain('사용자 알림을 게시했습니다. ☑ user-notice');
    expect(slack.posted).toHaveLength(1);
    const notice = slack.posted[0]!;
    expect(notice.subject).toBe('[장애 안내] Routing ML: Access Database 접근 불가');
    expect(notice.text.split('\n')).toEqual([
      'Routing ML에 장애가 발생해 복구 중입니다.',
      '',
      '- 장애 내용: Access Database 접근 불가',
      '- 발생 시각: 2026-11-24 10:00 (Asia/Seoul)',
      '- 영향 범위: 부분',
      `- 인시던트: ${id}`,
      '',
      '예측 API가 느리거나 실패할 수 있습니다',
      '',
      '복구되면 다시 안내드리겠습니다. 이용에 불편을 드려 죄송합니다.',
    ]);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['users@example.com', 'routing-ml@example.com']);
    expect(smtp.received[0]!.subject).toBe(notice.subject);
    expect(await ticked()).toContain('user-notice');
    const entry = (await core.store.incidents.timeline(id)).find((e) => e.kind === 'notice')!;
    expect(entry).toMatchObject({ actor: 'Park DevOps', data: { kind: 'outage', delivered: true } });
    expect(entry.text).toBe('사용자 알림(장애) 게시: ✅ slack: slack #routing-ml-users; ✅ email: email to users@example.com, routing-ml@example.com');
  });

  it('posts the recovery notice with the downtime once the incident is resolved, and ticks 사용자 알림 (복구 완료)', async () => {
    core.notices.register(slack);
    await core.clock.advance(83 * MIN);
    await core.router.dispatch(`/incident resolve ${id} 백업 DB로 복원`, core.as('Kim DevOps'));

    const reply = await core.router.dispatch(`/incident notify ${id} 복구`, core.as('Kim DevOps'));

    expect(reply.refused).toBeFalsy();
    const text = slack.posted[0]!.text;
    expect(text).toContain('Routing ML 장애가 복구되었습니다.');
    expect(text).toContain('- 복구 시각: 2026-11-24 11:23 (Asia/Seoul)');
    expect(text).toContain('- 다운타임: 1시간 23분');
    expect(await ticked()).toContain('user-notice-recovered');
    expect(await ticked()).not.toContain('user-notice');
  });

  it('refuses a recovery notice while the incident is still open, and changes nothing', async () => {
    core.notices.register(slack);
    const before = await core.store.incidents.timeline(id);

    const reply = await core.router.dispatch(`/incident notify ${id} recovered`, core.as('Kim DevOps'));

    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('아직 복구 처리되지 않았습니다');
    expect(slack.posted).toHaveLength(0);
    expect(await core.store.incidents.timeline(id)).toEqual(before);
  });

  it('with no user channel set up, hands back the notice to post by hand and ticks nothing', async () => {
    const reply = await core.router.dispatch(`/incident notify ${id} outage`, core.as('Kim DevOps'));

    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('사용자 알림 채널이 설정되지 않았습니다');
    expect(await replyText(reply)).toContain('Routing ML에 장애가 발생해 복구 중입니다.');
    expect(await replyText(reply)).toContain(`/incident check ${id} user-notice`);
    expect(await ticked()).not.toContain('user-notice');
  });

  it('records the failure and leaves the item unticked when every channel fails', async () => {
    slack.failWith = 'Slack is not answering';
    core.notices.register(slack);
    smtp.reject.add('users@example.com');
    core.notices.register(new EmailNoticeChannel(mailer, ['users@example.com']));

    const reply = await core.router.dispatch(`/incident notify ${id} outage`, core.as('Kim DevOps'));

    expect(await replyText(reply)).toContain('어느 채널에도 게시하지 못했습니다');
    expect(await ticked()).not.toContain('user-notice');
    const entry = (await core.store.incidents.timeline(id)).find((e) => e.kind === 'notice')!;
    expect(entry.text).toMatch(/^사용자 알림\(장애\) 실패: ❌ slack: Slack is not answering; ❌ email: SMTP: 550 /);
  });

  it('ticks the item when at least one channel delivers, and says which one failed', async () => {
    slack.failWith = 'Slack is not answering';
    core.notices.register(slack);
    core.notices.register(new EmailNoticeChannel(mailer, ['users@example.com']));

    const reply = await core.router.dispatch(`/incident notify ${id} outage`, core.as('Kim DevOps'));

    expect(await replyText(reply)).toContain('slack: Slack is not answering');
    expect(await ticked()).toContain('user-notice');
    expect(smtp.received).toHaveLength(1);
  });

  it('asks for the kind when it is missing or unknown', async () => {
    for (const line of [`/incident notify ${id}`, `/incident notify ${id} maybe`]) {
      const reply = await core.router.dispatch(line, core.as('Kim DevOps'));
      expect(reply.refused).toBe(true);
      expect(await replyText(reply)).toContain('/incident notify [id] outage|recovered [text…]');
    }
  });

  it('is only for people on the contact list', async () => {
    core.notices.register(slack);
    const reply = await core.router.dispatch(`/incident notify ${id} outage`, { platform: 'slack', userId: 'U0STRANGER', name: 'Stranger', roles: [] });
    expect(reply.refused).toBe(true);
    expect(slack.posted).toHaveLength(0);
  });
});
