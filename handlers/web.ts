import type { Handler } from '../src/router/handler.js';
import { textReply } from '../src/views/view.js';

/**
 * Sends the asker a sign-in link to the read-only web view, valid 12 hours, seen by them alone
 * (Slack: ephemeral; Teams: their personal chat). Only people on the contact list get one.
 */
export const web: Handler<'web'> = async (ctx) => {
  const links = ctx.runtime.web;
  if (!links) {
    return textReply(
      ctx.t(
        '웹 화면 로그인 링크를 만들 수 없습니다: drbot.yaml에 web.enabled: true, 환경 변수에 DRBOT_WEB_SECRET을 설정하세요 (회사 프록시 뒤라면 프록시를 통해 /web/ 으로 접속하세요).',
        'drbot cannot make a sign-in link: set web.enabled: true in drbot.yaml and DRBOT_WEB_SECRET in the environment (behind the company proxy, open /web/ through the proxy instead).',
      ),
      { private: true, refused: true },
    );
  }
  const contact = ctx.actor.contact;
  if (!contact) return textReply(ctx.t('연락망에 있는 사람만 웹 화면을 볼 수 있습니다.', 'Only people on the contact list may use the web view.'), { private: true, refused: true });
  ctx.log.info({ user: contact.name }, 'web sign-in link issued');
  const url = links.signInUrl(contact.name);
  return { ...textReply(ctx.t(`웹 화면 로그인 링크 (본인 전용, 12시간 유효):\n${url}`, `Your sign-in link to the web view (for you only, valid 12 hours):\n${url}`), { private: true }), personal: true };
};
