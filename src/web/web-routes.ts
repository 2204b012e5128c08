import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request, type Response, type NextFunction } from 'express';
import { packageRoot } from '../config/package-root.js';
import { translator, type Lang } from '../i18n/lang.js';
import { escapeMarkup, type Markup } from '../markup/html.js';
import { renderTimelineSvg } from '../picture/render-timeline-svg.js';
import { svgToPng } from '../picture/svg-to-png.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import { scrubSecrets } from '../logging/scrub-secrets.js';
import type { Logger } from '../logging/create-logger.js';
import { incidentListPage } from './incident-list-page.js';
import { incidentPage } from './incident-page.js';
import type { LiveUpdates } from './live-updates.js';
import { messagePage } from './message-page.js';
import { statsPage } from './stats-page.js';
import { sessionCookie, webVisitor, type WebAccessOptions } from './web-access.js';
import type { WebContext } from './web-context.js';
import type { WebData } from './web-data.js';

/** Everything the web view is served with. */
export interface WebRoutesOptions {
  data: WebData;
  access: WebAccessOptions;
  live: LiveUpdates;
  lang: Lang;
  timeZone: string;
  pack: RunbookPack;
  now: () => number;
  /** True when drbot serves HTTPS: the session cookie is then Secure. */
  secureCookie: boolean;
  /** Values that must never appear on a page (secret environment variables); credential-shaped text is masked too. */
  secrets: readonly string[];
  log: Logger;
}

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const ASSETS: Record<string, string> = { 'drbot.css': 'text/css; charset=utf-8', 'live.js': 'text/javascript; charset=utf-8' };
const INCIDENT_ID = /^INC-\d{8}-\d{3,6}$/;

/** The read-only web view under `/web`: incidents, one incident with its timeline picture, statistics, sign-in. */
export function webRoutes(o: WebRoutesOptions): express.Router {
  const router = express.Router();
  const assets = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(join(packageRoot(), 'src/web/assets', name))]));
  const scrub = scrubSecrets([...o.secrets, ...o.secrets.map(escapeMarkup)]);

  router.use((_req, res, next) => {
    res.set({ 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY', 'Cache-Control': 'no-store' });
    next();
  });

  const langOf = (req: Request): { lang: Lang; langParam?: Lang } => {
    const q = req.query.lang;
    return q === 'ko' || q === 'en' ? { lang: q, langParam: q === o.lang ? undefined : q } : { lang: o.lang };
  };
  const send = (res: Response, status: number, page: Markup | string, type = 'text/html; charset=utf-8') => {
    res.status(status).type(type).send(scrub(typeof page === 'string' ? page : page.value));
  };
  const refuse = (req: Request, res: Response, reason: string) => {
    const { lang } = langOf(req);
    const t = translator(lang);
    const how = t('Slack, Teams 또는 콘솔에서 /incident web 을 입력하면 본인에게만 보이는 로그인 링크를 보내 드립니다.', 'Type /incident web in Slack, Teams or the console; drbot sends you a sign-in link only you can see.');
    const texts: Record<string, [string, string]> = {
      'signed-out': [t('로그인이 필요합니다', 'Sign in first'), t('이 페이지는 연락망에 있는 사람만 볼 수 있습니다.', 'Only people on the contact list may see these pages.')],
      'not-a-contact': [t('연락망에 없는 사용자', 'Not on the contact list'), t('이 페이지는 연락망(config/contacts.yaml)에 있는 사람만 볼 수 있습니다.', 'Only people on the contact list (config/contacts.yaml) may see these pages.')],
      expired: [t('만료된 링크', 'This link has expired'), t('로그인 링크와 세션은 12시간 동안 유효합니다.', 'Sign-in links and sessions last 12 hours.')],
      tampered: [t('유효하지 않은 링크', 'This link is not valid'), t('링크가 변경되었거나 잘렸습니다.', 'The link was changed or cut short.')],
      malformed: [t('유효하지 않은 링크', 'This link is not valid'), t('링크가 변경되었거나 잘렸습니다.', 'The link was changed or cut short.')],
      'links-off': [t('로그인 링크 사용 안 함', 'Sign-in links are off'), t('DRBOT_WEB_SECRET이 설정되지 않아 로그인 링크를 쓸 수 없습니다.', 'DRBOT_WEB_SECRET is not set, so sign-in links cannot be used.')],
    };
    const [title, text] = texts[reason] ?? texts['signed-out']!;
    send(res, 403, messagePage(lang, { title, text, next: how }));
  };

  router.get('/assets/:file', (req, res) => {
    const body = assets.get(req.params.file);
    if (!body) return void res.status(404).type('text/plain').send('not found\n');
    res.set('Cache-Control', 'public, max-age=300').type(ASSETS[req.params.file]!).send(body);
  });

  router.get('/login', (req, res) => {
    if (!o.access.signer) return refuse(req, res, 'links-off');
    const token = typeof req.query.t === 'string' ? req.query.t : '';
    const check = o.access.signer.checkLink(token);
    if (!check.ok) {
      o.log.info({ problem: check.problem }, 'web sign-in link refused');
      return refuse(req, res, check.problem);
    }
    if (!o.access.contact(check.user)) return refuse(req, res, 'not-a-contact');
    res.set('Set-Cookie', sessionCookie(o.access.signer.sessionToken(check.user), o.access.signer.ttlMs, o.secureCookie));
    o.log.info({ user: check.user }, 'web sign-in');
    const { lang, langParam } = langOf(req);
    const t = translator(lang);
    send(res, 200, messagePage(lang, { title: t('로그인됨', 'Signed in'), text: t(`${check.user} 님으로 로그인했습니다.`, `Signed in as ${check.user}.`), continueTo: langParam ? `/web/?lang=${langParam}` : '/web/' }));
  });

  // Everything below needs a contact.
  router.use((req, res, next) => {
    const visitor = webVisitor(req, o.access);
    if (!visitor.ok) return refuse(req, res, visitor.reason);
    res.locals.user = visitor.contact.name;
    next();
  });
  const ctxOf = (req: Request, res: Response): WebContext => ({ ...langOf(req), timeZone: o.timeZone, pack: o.pack, now: o.now(), user: String(res.locals.user) });
  const wrap = (fn: (req: Request, res: Response) => Promise<void>) => (req: Request, res: Response, next: NextFunction) => void fn(req, res).catch(next);
  const loadIncident = async (req: Request, res: Response) => {
    const id = String(req.params.id);
    const snap = INCIDENT_ID.test(id) ? await o.data.snapshot(id) : undefined;
    if (!snap) {
      const t = translator(langOf(req).lang);
      send(res, 404, messagePage(langOf(req).lang, { title: t('인시던트 없음', 'No such incident'), text: t(`${id.slice(0, 40)}(이)라는 인시던트가 없습니다.`, `There is no incident ${id.slice(0, 40)}.`) }));
    }
    return snap;
  };

  router.get('/', wrap(async (req, res) => {
    const ctx = ctxOf(req, res);
    send(res, 200, incidentListPage(await o.data.list(ctx.now), ctx));
  }));
  router.get('/stats', wrap(async (req, res) => {
    send(res, 200, statsPage(await o.data.stats(), ctxOf(req, res)));
  }));
  router.get('/incidents/:id', wrap(async (req, res) => {
    const snap = await loadIncident(req, res);
    if (!snap) return;
    send(res, 200, incidentPage(snap, ctxOf(req, res)));
  }));
  router.get('/incidents/:id/timeline.svg', wrap(async (req, res) => {
    const snap = await loadIncident(req, res);
    if (!snap) return;
    send(res, 200, renderTimelineSvg(snap, { pack: o.pack, lang: langOf(req).lang, timeZone: o.timeZone }), 'image/svg+xml; charset=utf-8');
  }));
  router.get('/incidents/:id/timeline.png', wrap(async (req, res) => {
    const snap = await loadIncident(req, res);
    if (!snap) return;
    const png = svgToPng(scrub(renderTimelineSvg(snap, { pack: o.pack, lang: langOf(req).lang, timeZone: o.timeZone })));
    res.status(200).type('image/png').send(png);
  }));
  router.get('/events', (_req, res) => {
    o.live.attach(res);
  });

  router.use((req: Request, res: Response) => {
    const { lang } = langOf(req);
    send(res, 404, messagePage(lang, { title: lang === 'ko' ? '페이지 없음' : 'Not found', text: lang === 'ko' ? '그런 페이지는 없습니다.' : 'There is no such page.' }));
  });
  router.use((err: Error, req: Request, res: Response, _next: NextFunction) => {
    o.log.error({ err, path: req.path }, 'web page failed');
    if (res.headersSent) return void res.end();
    const { lang } = langOf(req);
    send(res, 500, messagePage(lang, { title: lang === 'ko' ? '오류' : 'Something went wrong', text: lang === 'ko' ? '페이지를 만들지 못했습니다. 로그를 확인하세요.' : 'drbot could not build this page; the log says why.' }));
  });
  return router;
}
