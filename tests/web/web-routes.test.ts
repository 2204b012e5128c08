import { afterEach, describe, expect, it } from '@jest/globals';
import { aPagedIncident, HOSTILE_NOTE } from '../picture/a-paged-incident.js';
import type { SchedulerHarness } from '../scheduler/scheduler-harness.js';
import { WEB_LINK_TTL_MS } from '../../src/web/web-link-signer.js';
import { webHarness, type WebHarness } from './support/web-harness.js';
import { NO_SUCH_INCIDENT_ID } from '../support/an-incident.js';

let harness: SchedulerHarness | undefined;
let web: WebHarness | undefined;
afterEach(async () => {
  await web?.close();
  await harness?.close();
  web = harness = undefined;
});

async function setUp(options: Parameters<typeof webHarness>[1] = {}): Promise<{ id: string; web: WebHarness; harness: SchedulerHarness }> {
  const made = await aPagedIncident();
  harness = made.harness;
  web = await webHarness(harness.core, options);
  return { id: made.id, web, harness };
}

describe('the web view over HTTP', () => {
  it('shows nothing without signing in: 403 with how to sign in, under a strict CSP', async () => {
    const { web, id } = await setUp();
    for (const path of ['/web/', `/web/incidents/${id}`, `/web/incidents/${id}/timeline.svg`, '/web/stats', '/web/events']) {
      const res = await web.get(path);
      expect(res.status).toBe(403);
      const body = await res.text();
      expect(body).toContain('/incident web');
      expect(body).not.toContain(id);
    }
    const res = await web.get('/web/');
    expect(res.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('a valid link sets an HttpOnly, SameSite=Strict session cookie and sends the browser on to the list', async () => {
    const { web } = await setUp();
    const res = await web.get(`/web/login?t=${web.signer.linkToken('Lee Backend')}`);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^drbot_web=v1\.[\w-]+\.[\w-]+; Path=\/web; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    const body = await res.text();
    expect(body).toContain('<meta http-equiv="refresh" content="0;url=/web/">');
    expect(body).toContain('Signed in as Lee Backend');
    const list = await web.get('/web/', { cookie: cookie.split(';')[0]! });
    expect(list.status).toBe(200);
    expect(await list.text()).toContain('<span>Lee Backend</span>');
  });

  it('refuses expired, tampered and non-contact links with a clear 403 page and no cookie', async () => {
    let now = Date.now();
    const { web } = await setUp({ signerNow: () => now });
    const token = web.signer.linkToken('Kim DevOps');
    now += WEB_LINK_TTL_MS;
    const expired = await web.get(`/web/login?t=${token}`);
    expect(expired.status).toBe(403);
    expect(expired.headers.get('set-cookie')).toBeNull();
    expect(await expired.text()).toContain('This link has expired');
    now -= WEB_LINK_TTL_MS;
    const tampered = await web.get(`/web/login?t=${token.slice(0, -3)}xyz`);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('This link is not valid');
    expect((await web.get('/web/login')).status).toBe(403);
    const stranger = await web.get(`/web/login?t=${web.signer.linkToken('Mallory')}`);
    expect(stranger.status).toBe(403);
    expect(await stranger.text()).toContain('Not on the contact list');
    // An expired session cookie is refused too.
    const session = web.sessionFor('Kim DevOps');
    now += WEB_LINK_TTL_MS + 1;
    expect((await web.get('/web/', { cookie: session })).status).toBe(403);
  });

  it('lists open and recent incidents and the agents; the incident page has its card, picture and escaped timeline', async () => {
    const { web, id, harness } = await setUp();
    const kim = harness.core.as('Kim DevOps');
    const second = (await harness.core.router.dispatch('/incident open type2 partial', kim)).incidentId!;
    const cookie = web.sessionFor('Kim DevOps');
    const list = await (await web.get('/web/', { cookie })).text();
    expect(list).toMatch(new RegExp(`data-list="open"[\\s\\S]*${second}[\\s\\S]*data-list="recent"[\\s\\S]*${id}`));
    expect(list).toContain('data-agent="routing-ml"');
    expect(list).toContain('<script src="/web/assets/live.js" defer></script>');
    expect(list).not.toMatch(/<script>|<style>| style="/);

    const page = await web.get(`/web/incidents/${id}`, { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg" class="timeline"');
    expect(html).toContain('restart-predictor');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(HOSTILE_NOTE).toContain('<script>');

    const svg = await web.get(`/web/incidents/${id}/timeline.svg`, { cookie });
    expect(svg.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    const png = await web.get(`/web/incidents/${id}/timeline.png`, { cookie });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await png.arrayBuffer()).subarray(1, 4).toString()).toBe('PNG');

    expect((await web.get(`/web/incidents/${NO_SUCH_INCIDENT_ID}`, { cookie })).status).toBe(404);
    expect((await web.get('/web/incidents/..%2F..%2Fetc', { cookie })).status).toBe(404);
  });

  it('the statistics page counts recovered incidents and names the step before recovery; ?lang=ko switches language', async () => {
    const { web } = await setUp();
    const cookie = web.sessionFor('Kim DevOps');
    const en = await (await web.get('/web/stats', { cookie })).text();
    expect(en).toMatch(/<tr data-type="1">[\s\S]*?<td data-label="Recovered">1<\/td>[\s\S]*?1 h 23 min[\s\S]*?<code>restart-backend-local<\/code> \(1 of 1\)/);
    const ko = await (await web.get('/web/stats?lang=ko', { cookie })).text();
    expect(ko).toContain('<html lang="ko">');
    expect(ko).toContain('1시간 23분');
    expect(ko).toContain('href="/web/?lang=ko"');
  });

  it('trusts the proxy user header only when it is configured, and only for contacts (by name or email)', async () => {
    const plain = await setUp();
    expect((await plain.web.get('/web/', { 'x-forwarded-user': 'Kim DevOps' })).status).toBe(403);
    await plain.web.close();
    web = await webHarness(plain.harness.core, { trustedHeader: 'X-Forwarded-User' });
    expect((await web.get('/web/', { 'x-forwarded-user': 'Kim DevOps' })).status).toBe(200);
    const email = plain.harness.core.contacts.byName('Lee Backend')!.email!;
    expect(await (await web.get('/web/', { 'x-forwarded-user': email.toUpperCase() })).text()).toContain('<span>Lee Backend</span>');
    const stranger = await web.get('/web/', { 'x-forwarded-user': 'mallory@example.com' });
    expect(stranger.status).toBe(403);
    expect(await stranger.text()).toContain('Not on the contact list');
  });

  it('never shows a secret: values of secret variables and credential-shaped text are masked on every page', async () => {
    const made = await aPagedIncident({ resolve: false });
    harness = made.harness;
    web = await webHarness(harness.core, { secrets: ['s3cr3t-&-password-value'] });
    await harness.core.router.dispatch(`/incident note ${made.id} db at postgres://drbot:hunter22@db.internal/x and s3cr3t-&-password-value`, harness.core.as('Kim DevOps'));
    const html = await (await web.get(`/web/incidents/${made.id}`, { cookie: web.sessionFor('Kim DevOps') })).text();
    expect(html).not.toContain('hunter22');
    expect(html).not.toContain('s3cr3t');
    expect(html).toContain('[redacted]');
  });

  it('serves the stylesheet and the script as files, and nothing else from assets', async () => {
    const { web } = await setUp();
    const css = await web.get('/web/assets/drbot.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await web.get('/web/assets/live.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await web.get('/web/assets/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await web.get('/web/assets/drbot.css.map')).status).toBe(404);
  });

  it('streams a change event to a watching page after a command', async () => {
    const { web, harness, id } = await setUp();
    const res = await web.get('/web/events', { cookie: web.sessionFor('Kim DevOps') });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    let text = '';
    const read = async (until: string) => {
      while (!text.includes(until)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(': drbot live');
    expect(web.live.watching).toBe(1);
    await harness.core.router.dispatch(`/incident note ${id} watching`, harness.core.as('Kim DevOps'));
    await read('event: change');
    await reader.cancel();
  });
});
