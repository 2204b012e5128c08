import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packageRoot } from '../../src/config/package-root.js';
import { WEB_LINK_TTL_MS, WebLinkSigner } from '../../src/web/web-link-signer.js';
import { DrbotProcess } from '../cli/drbot-process.js';
import { freePort } from './support/free-port.js';

/** Debian's Chromium (scripts/install-e2e-deps.sh installs it); nothing here downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
/** Where the screenshots go (gitignored); look at them after a run. */
const SHOTS = join(packageRoot(), 'tests/e2e/output/web');
const SECRET = 'e2e-web-secret-0123456789abcdef0123456789abcdef';

// A browser on a loaded 2-core machine: generous limits, never a timing assertion.
jest.setTimeout(90_000);

/**
 * The web view of a real drbot process (console mode, its embedded agent, SQLite) in a real
 * headless Chromium: the list, an incident page with its picture, a live update after a typed
 * command, the sign-in link (valid, expired, tampered, and followed from another site), and axe-core.
 */
describe('the web view in a browser', () => {
  let home: string;
  let drbot: DrbotProcess;
  let browser: Browser;
  let base: string;
  let link: string;
  let first: string;
  let second: string | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-e2e-deps.sh (it installs Debian's chromium)`);
    mkdirSync(SHOTS, { recursive: true });
    home = mkdtempSync(join(tmpdir(), 'drbot-web-e2e-'));
    mkdirSync(join(home, 'config'));
    // The demo agent's paths are relative to the config's parent: the demo host is laid out under `home`.
    copyFileSync(join(packageRoot(), 'config/agent.demo.yaml'), join(home, 'config/agent.yaml'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(home, 'config/drbot.yaml'),
      [
        `runbook: ${join(packageRoot(), 'runbooks/routing-ml.yaml')}`,
        `contacts: ${join(packageRoot(), 'config/contacts.yaml')}`,
        'lang: en',
        `reportsDir: ${join(home, 'reports')}`,
        'embeddedAgent:',
        '  enabled: true',
        '  config: config/agent.yaml',
        'web:',
        '  enabled: true',
        `  publicUrl: ${base}`,
        '',
      ].join('\n'),
    );
    drbot = new DrbotProcess([], { DRBOT_CONFIG: join(home, 'config/drbot.yaml'), DATA_DIR: join(home, 'data'), PORT: String(port), DRBOT_WEB_SECRET: SECRET, DRBOT_USER: 'Kim DevOps', LOG_LEVEL: 'warn' });
    drbot.send('/incident open type1 full predictor down (e2e)');
    first = (await drbot.waitFor(/Opened (INC-\d{8}-\d{3})/))[1]!;
    const from = drbot.stdout.length;
    drbot.send('/incident web');
    link = (await drbot.waitFor(/(http:\/\/127\.0\.0\.1:\d+\/web\/login\?t=[\w.-]+)/, from))[1]!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (drbot) await drbot.signal('SIGTERM');
    if (home) rmSync(home, { recursive: true, force: true });
  });

  async function signedInPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await (await browser.newContext({ viewport })).newPage();
    await page.goto(link);
    await page.waitForURL(`${base}/web/`);
    return page;
  }

  async function axe(page: Page): Promise<{ id: string; impact: string; nodes: number }[]> {
    // The page's CSP refuses injected script tags (as it should); evaluating from the test's side is not a page script.
    await page.evaluate(readFileSync(join(packageRoot(), 'node_modules/axe-core/axe.min.js'), 'utf8'));
    const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as { violations: { id: string; impact: string; nodes: unknown[] }[] };
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  }

  const serious = (violations: { impact: string }[]) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');

  it('the sign-in link from /incident web signs in and shows the open incident, the agent, and no secret', async () => {
    const page = await signedInPage();
    const row = page.locator(`table[data-list="open"] tr[data-incident="${first}"]`);
    await expect(row.count()).resolves.toBe(1);
    expect(await row.innerText()).toContain('Backend API server down');
    expect(await page.locator('[data-agent="routing-ml"]').innerText()).toMatch(/online/);
    const cookies = await page.context().cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'drbot_web', httpOnly: true, sameSite: 'Strict', path: '/web' })]);
    const html = await page.content();
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain('t=v1.');
    await page.screenshot({ path: join(SHOTS, 'list.png'), fullPage: true });
    expect(serious(await axe(page))).toEqual([]);
  });

  it('the incident page shows its card, checklists and the timeline picture with a span per step run', async () => {
    const page = await signedInPage();
    await page.click(`a[href="/web/incidents/${first}"]`);
    await page.waitForURL(`${base}/web/incidents/${first}`);
    const svg = page.locator('svg.timeline');
    await expect(svg.isVisible()).resolves.toBe(true);
    expect(await svg.locator('g.rto-mark[data-mark="goal"]').getAttribute('data-minutes')).toBe('240');
    expect(await svg.locator('g.rto-mark[data-mark="limit"]').getAttribute('data-minutes')).toBe('480');
    // The embedded agent ran the four Type 1 diagnostics at open: one span each.
    await page.locator('svg.timeline rect.span').nth(3).waitFor({ state: 'attached', timeout: 20_000 });
    expect(await page.locator('svg.timeline rect.span[data-step="check-process"]').count()).toBe(1);
    expect(await page.locator('svg.timeline circle.page[data-outcome="sent"][data-level="0"]').count()).toBe(1);
    expect(await page.getByRole('heading', { name: /Checklist: Immediately/ }).count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, 'incident.png'), fullPage: true });
    expect(serious(await axe(page))).toEqual([]);
    const png = await page.request.get(`${base}/web/incidents/${first}/timeline.png`);
    expect(png.headers()['content-type']).toBe('image/png');
    writeFileSync(join(SHOTS, 'timeline.png'), await png.body());
  });

  it('updates the open page live when a command is typed in the console, without reloading it', async () => {
    const page = await signedInPage();
    await page.evaluate(`window.stayed = true`);
    // (Locators, not string predicates: the page's CSP forbids eval, as it should.)
    await page.locator('[data-live-status]', { hasText: /^Live$/ }).waitFor();
    const from = drbot.stdout.length;
    drbot.send('/incident open type2 partial DB 접속 실패');
    second = (await drbot.waitFor(/Opened (INC-\d{8}-\d{3})/, from))[1]!;
    await page.waitForSelector(`table[data-list="open"] tr[data-incident="${second}"]`, { timeout: 15_000 });
    expect(await page.evaluate(`window.stayed`)).toBe(true);
    expect(await page.locator('[data-live-status]').innerText()).toMatch(/^Updated \d\d:\d\d:\d\d$/);
    await page.screenshot({ path: join(SHOTS, 'list-after-live-update.png'), fullPage: true });
  });

  it('refuses an expired and a tampered link with a clear 403 page, and sets no cookie', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const expired = new WebLinkSigner(SECRET, () => Date.now() - WEB_LINK_TTL_MS - 60_000).linkToken('Kim DevOps');
    const res = await page.goto(`${base}/web/login?t=${expired}`);
    expect(res?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('This link has expired');
    await page.screenshot({ path: join(SHOTS, 'link-expired.png') });
    const token = link.split('t=')[1]!;
    const tampered = await page.goto(`${base}/web/login?t=${token.slice(0, -4)}AAAA`);
    expect(tampered?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('This link is not valid');
    expect(await context.cookies()).toEqual([]);
    const list = await page.goto(`${base}/web/`);
    expect(list?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('Sign in first');
    expect(serious(await axe(page))).toEqual([]);
  });

  it('a link followed from another site (Slack, Teams) still ends signed in, despite SameSite=Strict', async () => {
    const elsewhere: Server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><title>chat</title><a id="go" href="${link}">open drbot</a>`));
    const port = await new Promise<number>((resolve) => elsewhere.listen(0, '127.0.0.1', () => resolve((elsewhere.address() as { port: number }).port)));
    try {
      const page = await (await browser.newContext()).newPage();
      // localhost and 127.0.0.1 are different sites.
      await page.goto(`http://localhost:${port}/`);
      await page.click('#go');
      await page.waitForURL(`${base}/web/`);
      await expect(page.locator(`tr[data-incident="${first}"]`).count()).resolves.toBe(1);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('statistics (updated live when an incident is resolved), Korean, and a phone screen', async () => {
    const page = await signedInPage();
    await page.goto(`${base}/web/stats?lang=ko`);
    expect(await page.locator('h1').innerText()).toBe('장애 유형별 통계');
    await page.locator('[data-live-status]', { hasText: /^실시간 갱신 중$/ }).waitFor();
    const type2 = second ?? first;
    drbot.send(`/incident resolve ${type2} e2e: backup restored`);
    await page.locator('tr[data-type="2"] td[data-label="복구"]', { hasText: /^1$/ }).waitFor({ timeout: 20_000 });
    expect(await page.locator('tr[data-type="2"] td[data-label="MTTR 중앙값"]').innerText()).toMatch(/^\d+분$/);
    await page.screenshot({ path: join(SHOTS, 'stats-ko.png'), fullPage: true });
    expect(serious(await axe(page))).toEqual([]);
    const phone = await signedInPage({ width: 390, height: 844 });
    const width = (await phone.evaluate(`document.documentElement.scrollWidth`)) as number;
    expect(width).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: join(SHOTS, 'phone-list.png'), fullPage: true });
    await phone.goto(`${base}/web/incidents/${first}?lang=ko`);
    await phone.screenshot({ path: join(SHOTS, 'phone-incident-ko.png'), fullPage: true });
    expect(serious(await axe(phone))).toEqual([]);
  });
});
