import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';
import { createHandlers } from '../../handlers/index.js';
import { resolveActor, SYSTEM_ACTOR } from '../../src/app/actor.js';
import { buildRuntime } from '../../src/app/build-runtime.js';
import type { ActionRequest, ActionResult, AgentPort, AgentPresence } from '../../src/agentlink/agent-port.js';
import type { Clock } from '../../src/clock/clock.js';
import { realSleep } from '../../src/clock/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Contact } from '../../src/contacts/contact-schema.js';
import type { ChatPageSender, PageRequest } from '../../src/notify/pager.js';
import { Router } from '../../src/router/router.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const PAGES = 200;
const APPROVALS = 60;
const NOTES = 300;
const RENDERS = 30;

/** A Slack DM sender whose API answers HTTP 500, like the Slack client when Slack is down. */
class DownSlack implements ChatPageSender {
  readonly platform = 'slack' as const;
  constructor(private readonly url: string) {}
  canReach(contact: Contact): boolean {
    return Boolean(contact.slack);
  }
  async send(request: PageRequest): Promise<void> {
    const res = await fetch(this.url, { method: 'POST', body: '{}', signal: request.signal });
    await res.text();
    if (!res.ok) throw new Error(`An HTTP protocol error occurred: statusCode = ${res.status}`);
  }
}

/**
 * An agent on which every action succeeds at once. Its `plan` (asked before each approval of a
 * host-changing step) answers as the agent's planner does for a healthy compose stack: the target
 * and the service's running container.
 */
class HealthyAgent implements AgentPort {
  presence(host: string): AgentPresence {
    return { host, online: true, lastSeenAt: Date.now() };
  }
  list(): AgentPresence[] {
    return [this.presence('routing-ml')];
  }
  async run(request: ActionRequest): Promise<ActionResult> {
    if (request.action === 'plan') {
      const { action, service } = request.params;
      const target = `${String(action)} ${String(service)}`;
      return { status: 'ok', summary: target, output: '', data: { target, facts: [{ label: 'containers', value: `${String(service)} running` }] } };
    }
    return { status: 'ok', summary: 'ok', output: 'line 1\nline 2\nline 3' };
  }
}

/** A clock the bench moves by hand, so an incident spans hours in no time. */
class SetClock implements Clock {
  constructor(public at: number) {}
  now(): number {
    return this.at;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return realSleep(ms, signal);
  }
}

function listen(server: Server | SMTPServer['server']): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/**
 * Pages that fall back from a failing Slack to email through a local SMTP server (latency per page,
 * all arriving), and the post-incident report of a long incident (render and atomic write).
 */
export const pagesAndReports: BenchSuite = {
  name: 'pages-and-reports',
  description: `${PAGES} pages with Slack answering 500 → email over local SMTP; report of an incident with ${APPROVALS} approved steps and ${NOTES} notes, re-rendered ${RENDERS}×`,
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-bench-pages-'));
    let mails = 0;
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      disableReverseLookup: true,
      logger: false,
      onData(stream, _s, cb) {
        stream.resume();
        stream.on('end', () => {
          mails++;
          cb();
        });
      },
    });
    const smtpPort = await listen(smtp.server);
    const slackApi = createServer((req, res) => {
      req.resume();
      res.writeHead(500).end('{"ok":false,"error":"internal_error"}');
    });
    const slackPort = await listen(slackApi);
    const clock = new SetClock(Date.UTC(2026, 10, 24, 1, 0));
    const config = loadConfig({ ...process.env, DATA_DIR: join(dir, 'data'), REPORTS_DIR: join(dir, 'reports'), SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, DRBOT_LANG: 'ko', DRBOT_WEBHOOK_URL: '' });
    const core = await buildRuntime(config, pino({ level: 'silent' }), { clock, agents: new HealthyAgent() });
    core.chat.register(new DownSlack(`http://127.0.0.1:${slackPort}/api/chat.postMessage`));
    const router = new Router(core, createHandlers());
    const kim = resolveActor(core.contacts, 'console', 'Kim DevOps');
    const rows: BenchRow[] = [];
    try {
      const opened = await router.dispatch('/incident open type1 full bench', kim);
      const incident = (await core.store.incidents.get(opened.incidentId!))!;
      const contact = core.contacts.byName('Kim DevOps')!;
      const pageMs: number[] = [];
      let viaEmail = 0;
      for (let i = 0; i < PAGES; i++) {
        const t0 = performance.now();
        const result = await core.pager.page({ incident, level: 0, role: 'devops', contact, summary: `bench page ${i}`, lang: 'ko' });
        pageMs.push(performance.now() - t0);
        if (result.ok && result.channel === 'email') viaEmail++;
      }
      const p99 = percentile(pageMs, 99);
      rows.push(
        { metric: 'page Slack 500 → email, p50', value: percentile(pageMs, 50), unit: 'ms' },
        { metric: 'page Slack 500 → email, p99', value: p99, unit: 'ms', goal: '< 500', pass: p99 < 500 },
        { metric: 'pages carried by email / arrived at the SMTP server', value: viaEmail === PAGES && mails === PAGES ? PAGES : Math.min(viaEmail, mails), unit: `of ${PAGES}`, goal: `= ${PAGES}`, pass: viaEmail === PAGES && mails === PAGES },
      );

      for (let i = 0; i < APPROVALS; i++) {
        clock.at += 60_000;
        // The step runs on each approval: after the first, a plain approve is refused (it already ran), so it says `again`.
        const reply = await router.dispatch(`/incident approve ${incident.id} restart-predictor${i ? ' again' : ''}`, kim);
        if (reply.refused) throw new Error('approve refused: ' + reply.views[0]?.summary);
      }
      const ran = (await core.store.incidents.stepRuns(incident.id)).filter((r) => r.stepId === 'restart-predictor' && r.status === 'ok').length;
      if (ran !== APPROVALS) throw new Error(`expected ${APPROVALS} approved runs of restart-predictor, found ${ran}`);
      for (let i = 0; i < NOTES; i++) await router.dispatch(`/incident note ${incident.id} 관찰 ${i}: predictor 로그 확인`, kim);
      await router.dispatch(`/incident resolve ${incident.id} bench`, kim);
      await core.events.settled();
      const resolved = (await core.store.incidents.get(incident.id))!;
      const writer = core.reports;
      const renderMs: number[] = [];
      let size = 0;
      for (let i = 0; i < RENDERS; i++) {
        const t0 = performance.now();
        const written = await writer.write(resolved, SYSTEM_ACTOR);
        renderMs.push(performance.now() - t0);
        size = written.markdown.length;
      }
      const renderP99 = percentile(renderMs, 99);
      rows.push(
        { metric: 'report render + write, p50', value: percentile(renderMs, 50), unit: 'ms' },
        { metric: 'report render + write, p99', value: renderP99, unit: 'ms', goal: '< 200', pass: renderP99 < 200 },
        { metric: 'report size', value: size / 1024, unit: 'KiB' },
      );
    } finally {
      await core.store.close();
      slackApi.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
