import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import type { TestRuntime } from '../support/test-runtime.js';

const MINUTE = 60_000;

/** The Type 1 incident the report tests run: diagnostics, two approved restarts, resolve at +1 h 23 min. */
export interface ScriptedIncident {
  id: string;
  cause: string;
}

/** An agent whose diagnostics show a dead uvicorn with an OOM in its log, and whose restarts and health checks succeed. */
export function aDeadBackendAgent(): ScriptedAgentPort {
  return new ScriptedAgentPort()
    .answer('process_running', { status: 'fail', summary: 'no uvicorn process', output: 'USER PID COMMAND\n(no uvicorn)' })
    .answer('log_tail', { status: 'warn', summary: '3 ERROR lines', output: 'ERROR MemoryError in predictor\nERROR worker killed (OOM)' })
    .answer('port_listening', { status: 'fail', summary: 'nothing listens on 8000' })
    .answer('compose_service_restart', { status: 'ok', summary: 'predictor restarted' })
    .answer('process_restart', { status: 'ok', summary: 'uvicorn started (pid 4242)' })
    .answer('http_health', { status: 'ok', summary: '{"status":"ok"}' });
}

/**
 * Drives the incident through the router as people would: Kim DevOps opens it at 10:00 and runs
 * the diagnostics, approves the Docker restart at 10:20; Lee Backend approves the local restart at
 * 10:40; Kim DevOps resolves it at 11:23 with the cause.
 */
export async function runScriptedIncident(core: TestRuntime, options: { note?: string } = {}): Promise<ScriptedIncident> {
  const kim = core.as('Kim DevOps');
  const lee = core.as('Lee Backend');
  const opened = await core.router.dispatch(`/incident open type1 full ${options.note ?? 'predictor 응답 없음'}`, kim);
  const id = opened.incidentId!;
  await core.clock.advance(5 * MINUTE);
  expectAccepted(await core.router.dispatch(`/incident diag ${id}`, kim));
  await core.clock.advance(15 * MINUTE);
  expectAccepted(await core.router.dispatch(`/incident approve ${id} restart-predictor`, kim));
  await core.clock.advance(20 * MINUTE);
  expectAccepted(await core.router.dispatch(`/incident approve ${id} restart-backend-local`, lee));
  await core.clock.advance(43 * MINUTE);
  const cause = 'predictor 컨테이너 메모리 부족(OOM)으로 uvicorn 종료';
  expectAccepted(await core.router.dispatch(`/incident resolve ${id} ${cause}`, kim));
  await core.events.settled();
  return { id, cause };
}

function expectAccepted(reply: { refused?: boolean; views: { summary: string }[] }): void {
  if (reply.refused) throw new Error(`command refused: ${reply.views.map((v) => v.summary).join(' / ')}`);
}
