import { describe, expect, it } from '@jest/globals';
import { createHandlers } from '../../handlers/index.js';
import { createLogger, secretsFromEnv } from '../../src/logging/create-logger.js';
import { Router } from '../../src/router/router.js';
import { buildTestRuntime } from '../support/test-runtime.js';
import { LogCapture } from './log-capture.js';
import { anIncidentId } from '../support/an-incident.js';

const ENV = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefghijkl',
  SLACK_SIGNING_SECRET: 'sign-secret-8f3a9c',
  MicrosoftAppPassword: 'ms~app"pass\\word',
  DATABASE_URL: 'postgres://drbot:p%40ss-w0rd-42@db.internal:5432/drbot',
  SMTP_URL: 'smtp://mailer:smtp-pass-77@mail.internal:587',
  DRBOT_PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY123456',
  PATH: '/usr/bin',
  DRBOT_LANG: 'en',
};

function logger() {
  const capture = new LogCapture();
  return { capture, log: createLogger({ level: 'debug', destination: capture, secrets: secretsFromEnv(ENV) }) };
}

describe('createLogger', () => {
  it('takes secrets from the environment by name, with URL passwords on their own, raw and decoded', () => {
    const secrets = secretsFromEnv(ENV);
    expect(secrets).toEqual(expect.arrayContaining([ENV.SLACK_BOT_TOKEN, ENV.SLACK_SIGNING_SECRET, ENV.MicrosoftAppPassword, ENV.DATABASE_URL, ENV.SMTP_URL, ENV.DRBOT_PAGERDUTY_ROUTING_KEY, 'p%40ss-w0rd-42', 'p@ss-w0rd-42', 'smtp-pass-77']));
    expect(secrets).not.toContain('/usr/bin');
    expect(secrets).not.toContain('en');
  });

  it('blanks secret fields by name, nested too', () => {
    const { capture, log } = logger();
    log.info({ token: 'abc123456', config: { signingSecret: 'zzz99999', slack: { botToken: 'q' } }, req: { headers: { authorization: 'whatever-1', cookie: 'c=1' } } }, 'fields');
    const [rec] = capture.records();
    expect(rec).toMatchObject({ token: '[redacted]', config: { signingSecret: '[redacted]', slack: { botToken: '[redacted]' } }, req: { headers: { authorization: '[redacted]', cookie: '[redacted]' } } });
  });

  it('masks secret values in messages, in error messages and stacks, and inside JSON-escaped strings', () => {
    const { capture, log } = logger();
    log.info(`connecting with ${ENV.SLACK_BOT_TOKEN}`);
    log.error({ err: new Error(`login failed for ${ENV.MicrosoftAppPassword} at p@ss-w0rd-42`) }, 'teams auth failed');
    log.warn({ detail: { nested: [`routing key ${ENV.DRBOT_PAGERDUTY_ROUTING_KEY}`] } }, 'pagerduty');
    log.child({ url: ENV.SMTP_URL }).info('smtp ready');
    for (const secret of secretsFromEnv(ENV)) expect(capture.text).not.toContain(secret);
    expect(capture.text).not.toContain(JSON.stringify(ENV.MicrosoftAppPassword).slice(1, -1));
    expect(capture.text).toContain('[redacted]');
    expect(capture.records()).toHaveLength(4);
  });

  it('masks credential-shaped text it was not told about', () => {
    const capture = new LogCapture();
    const log = createLogger({ level: 'info', destination: capture });
    log.info('pg: postgres://admin:hunter2-other@10.0.0.5/prod failed');
    log.info('slack: xoxp-9999-8888-zyxwvutsrq and xapp-1-A0-12345-abcdef');
    log.info({ header: 'Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig' }, 'auth');
    log.info('conninfo host=db user=drbot password=s3cr3t-x dbname=drbot');
    const text = capture.text;
    for (const leaked of ['hunter2-other', 'xoxp-9999-8888-zyxwvutsrq', 'xapp-1-A0-12345-abcdef', 'eyJhbGciOiJIUzI1NiJ9', 's3cr3t-x']) expect(text).not.toContain(leaked);
    expect(text).toContain('postgres://admin:[redacted]@10.0.0.5/prod');
    expect(text).toContain('Bearer [redacted]');
    expect(text).toContain('password=[redacted]');
  });

  it('leaves ordinary text alone', () => {
    const capture = new LogCapture();
    const log = createLogger({ level: 'info', destination: capture, secrets: ['abc'] });
    log.info({ incidentId: anIncidentId(1), url: 'http://127.0.0.1:3000/healthz' }, 'the abc of incident handling');
    expect(capture.records()[0]).toMatchObject({ incidentId: anIncidentId(1), url: 'http://127.0.0.1:3000/healthz', msg: 'the abc of incident handling' });
  });
});

describe('router log lines', () => {
  it('name the incident once per line, also for open (whose id only the reply knows)', async () => {
    const capture = new LogCapture();
    const core = await buildTestRuntime();
    const router = new Router({ ...core, log: createLogger({ level: 'info', destination: capture }) }, createHandlers());
    const id = (await router.dispatch('/incident open type1 full predictor down', core.as('Kim DevOps'))).incidentId!;
    await router.dispatch(`/incident ack ${id}`, core.as('Kim DevOps'));
    const handled = capture.lines.filter((l) => l.includes('"command handled"'));
    expect(handled).toHaveLength(2);
    for (const line of handled) expect(line.split('"incidentId"')).toHaveLength(2);
    expect(capture.records().filter((r) => r.msg === 'command handled').map((r) => r.incidentId)).toEqual([id, id]);
    await core.close();
  });
});
