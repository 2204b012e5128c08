import { afterEach, describe, expect, it } from '@jest/globals';
import type { ActionRequest, ActionResult } from '../../../src/agentlink/agent-port.js';
import { loadIncidentSnapshot } from '../../../src/incident/incident-snapshot.js';
import { addSecretValues, scrubText } from '../../../src/logging/scrub-secrets.js';
import { renderTimelineSvg } from '../../../src/picture/render-timeline-svg.js';
import { renderIncidentReport } from '../../../src/report/render-incident-report.js';
import { incidentCard } from '../../../src/views/incident-card.js';
import { renderText } from '../../../src/views/render-text.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';
import { SLACK_USERS } from '../slack/support/slack-harness.js';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { startBoth } from '../../support/slack-and-teams.js';

/** The part of each credential that must never leave drbot. */
const SECRETS = {
  slackToken: 'Zq9hostSlackTokenValue',
  bearer: 'hostBearerTokenValue1234',
  envPassword: 'env-pass-s3cr3t',
  pgPassword: 'pg-pass-77aa',
  awsKeyId: 'AKIAIOSFODNN7EXAMPLE',
  awsSecret: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY',
  privateKey: 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmU',
  summary: 'summary-pw-4411',
  typed: 'typed-note-secret-9',
  configured: 'configured-value-5a6b7c',
};

/** What a host prints in log tails, process lists and environment checks. */
const HOST_OUTPUT = [
  `slack-notifier[412]: using token xoxb-4242-1717-${SECRETS.slackToken}`,
  `curl -H 'Authorization: Bearer ${SECRETS.bearer}' http://localhost:8080/health`,
  `postgres  1234  0.0  ... postgres: app DB_PASSWORD=${SECRETS.envPassword}`,
  `DATABASE_URL=postgres://app:${SECRETS.pgPassword}@db:5432/routing`,
  `aws_access_key_id = ${SECRETS.awsKeyId}`,
  `aws_secret_access_key = ${SECRETS.awsSecret}`,
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  SECRETS.privateKey,
  'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  '-----END OPENSSH PRIVATE KEY-----',
  `echo ${SECRETS.configured}`,
  '<!channel> done',
].join('\n');

/** An agent whose every answer is full of credentials. */
class LeakyAgent extends ScriptedAgentPort {
  override async run(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult> {
    await super.run(request);
    onProgress?.(`progress: password=${SECRETS.envPassword}`);
    return { status: 'warn', summary: `check failed: password=${SECRETS.summary}`, output: HOST_OUTPUT, data: { env: { API_KEY: SECRETS.awsSecret } } };
  }
}

function leaks(text: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => text.includes(secret))
    .map(([name]) => name);
}

let both: Awaited<ReturnType<typeof startBoth<LeakyAgent>>> | undefined;
afterEach(async () => {
  await both?.stop();
  both = undefined;
});

describe('secrets in host output and typed text', () => {
  it('reach no Slack call, Teams activity, console text, report, picture or stored run', async () => {
    // A value drbot was configured with (the runtime adds its environment's secrets the same way).
    addSecretValues([SECRETS.configured]);
    both = await startBoth(new LeakyAgent());
    const b = both;
    const incident = await b.openFromSlack();
    const id = incident.id;

    expect(await b.slash(`diag ${id}`, SLACK_USERS.kim)).toBe(200);
    expect(await b.teamsPost(b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).saying(`/incident diag ${id}`).build())).toBe(200);
    expect(await b.slash(`note ${id} db password=${SECRETS.typed} rotated`, SLACK_USERS.kim)).toBe(200);
    expect(await b.slash(`report ${id}`, SLACK_USERS.kim)).toBe(200);
    await b.settle();

    // The agent really was asked, and its answers really were full of secrets.
    expect(b.agent.requests.length).toBeGreaterThan(0);
    expect(leaks(HOST_OUTPUT)).toEqual(expect.arrayContaining(['slackToken', 'bearer', 'envPassword', 'pgPassword', 'awsKeyId', 'awsSecret', 'privateKey', 'configured']));

    const slack = JSON.stringify(b.slackApi.calls);
    expect(slack).toContain('[redacted]');
    expect(leaks(slack)).toEqual([]);
    const teams = JSON.stringify(b.connector.calls);
    expect(teams).toContain('redacted');
    expect(leaks(teams)).toEqual([]);

    const stored = await b.core.store.incidents.get(id);
    const snapshot = await loadIncidentSnapshot(b.core, stored!);
    expect(snapshot.runs.length).toBeGreaterThan(0);
    expect(leaks(JSON.stringify(snapshot))).toEqual([]);
    expect(leaks(renderText(incidentCard(snapshot, b.core.pack, 'en', 'full')))).toEqual([]);
    const report = await renderIncidentReport(b.core, stored!);
    expect(report).toContain('[redacted]');
    expect(leaks(report)).toEqual([]);
    expect(leaks(renderTimelineSvg(snapshot, { pack: b.core.pack, lang: 'en', timeZone: b.core.timeZone }))).toEqual([]);
  });

  it('scrubText masks each credential shape and configured values, and leaves ordinary text alone', () => {
    addSecretValues(['plain-configured-secret']);
    expect(scrubText(HOST_OUTPUT)).not.toMatch(new RegExp(Object.values(SECRETS).filter((s) => s !== SECRETS.configured).join('|')));
    expect(scrubText('x plain-configured-secret y')).toBe('x [redacted] y');
    expect(scrubText('PGPASSWORD=abc123 psql')).toBe('PGPASSWORD=[redacted] psql');
    expect(scrubText('{"password":"abc","n":1}')).toBe('{"password":"[redacted]","n":1}');
    const ordinary = 'author: Kim · tokens left: 3 · restart routing-ml (exit 0) at 10:02';
    expect(scrubText(ordinary)).toBe(ordinary);
  });
});
