import type { Logger } from 'pino';
import { OUTPUT_CAP_BYTES, SUMMARY_CAP_CHARS, type WireRequest, type WireResult } from '../agentlink/agent-protocol.js';
import { ACTION_CATALOG, isKnownAction } from './action-catalog.js';
import type { HostTools, RefusalCode } from './agent-action.js';
import type { AgentConfig } from './agent-config.js';
import { AGENT_ACTIONS } from './actions/index.js';
import type { LedgerState, RequestLedger } from './request-ledger.js';
import { ABORT_GRACE_MS, runWithDeadline } from './run-with-deadline.js';

const TRAVERSAL = /\.\.|[/\\]/;
// eslint-disable-next-line no-control-regex
const SHELL_META = /[;&|$`<>(){}[\]!*?~'"#%^\s\u0000-\u001f]/;

/** Keeps the last `cap` bytes of an action's output (the end of a log is what matters). */
export function capOutput(text: string, cap = OUTPUT_CAP_BYTES): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= cap) return text;
  const note = `[output truncated: last ${Math.round(cap / 1024)} kB of ${buf.length} bytes]\n`;
  return note + buf.subarray(buf.length - cap + Buffer.byteLength(note)).toString('utf8').replace(/^\uFFFD+/, '');
}

/** Clips a summary to what drbot accepts (the link would be closed for a longer one). */
function fitForWire(result: WireResult): WireResult {
  return result.summary.length > SUMMARY_CAP_CHARS ? { ...result, summary: `${result.summary.slice(0, SUMMARY_CAP_CHARS - 20)} … [summary cut]` } : result;
}

const refusal = (code: RefusalCode, summary: string): WireResult => ({ status: 'fail', summary: `refused: ${summary}`, output: '', refused: code });

/**
 * Runs requests on this host: refuses unknown actions, unsafe or unlisted parameters, host changes
 * without an approval id and any request id it has seen before; records each id durably before
 * running it; enforces the action's timeout (abort, a grace period, then `unknown` for a host change
 * cut short) and caps the output.
 */
export class ActionExecutor {
  constructor(
    private readonly config: AgentConfig,
    private readonly tools: HostTools,
    private readonly ledger: RequestLedger,
    private readonly log?: Logger,
    /** How long an action gets to stop after its deadline aborted it. */
    private readonly graceMs = ABORT_GRACE_MS,
  ) {}

  /** What became of a request id (for drbot's re-query after a dropped link). */
  status(requestId: string): LedgerState {
    return this.ledger.lookup(requestId);
  }

  /** Runs one request (or refuses it) and resolves with the result; never throws. */
  async execute(request: WireRequest, onProgress: (line: string) => void = () => {}): Promise<WireResult> {
    const log = this.log?.child({ requestId: request.requestId, action: request.action, incidentId: request.incidentId });
    try {
      return fitForWire(await this.executeChecked(request, onProgress, log));
    } catch (err) {
      // a bug, not an outcome: say so instead of taking the agent down
      log?.error({ err }, 'request failed unexpectedly');
      return { status: 'unknown', summary: `${request.action.slice(0, 64)}: the agent failed unexpectedly (${(err as Error).message}); check the host before running it again`, output: '' };
    }
  }

  private async executeChecked(request: WireRequest, onProgress: (line: string) => void, log: Logger | undefined): Promise<WireResult> {
    const refused = this.check(request);
    if (refused) {
      log?.warn({ refused: refused.refused, reason: refused.summary }, 'request refused');
      return refused;
    }
    const action = AGENT_ACTIONS.get(request.action)!;
    const parsed = action.params.safeParse(request.params);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
      log?.warn({ reason: why }, 'request refused: bad parameters');
      return refusal('bad-params', `${request.action} parameters: ${why}`);
    }
    // Host changes are on disk before they run and before their result goes out. Read-only probes
    // join the same group commit without waiting for it: the id is refused as a duplicate from this
    // moment on, and a probe run again after a crash changes nothing.
    const mutates = ACTION_CATALOG[action.name].mutates;
    const started = this.ledger.start(request.requestId, this.tools.now());
    if (mutates) {
      try {
        await started;
      } catch (err) {
        const result = refusal('ledger-unavailable', `${request.action} was not run: the agent cannot record request ${request.requestId} in its ledger (${(err as Error).message}), so it could not promise to run it only once. Free space or fix the disk under stateDir, then approve the step again`);
        log?.error({ err }, 'request refused: the ledger cannot be written');
        this.ledger.finish(request.requestId, this.tools.now(), result).catch(() => undefined);
        return result;
      }
    } else started.catch((err: unknown) => log?.error({ err }, 'could not record the request in the ledger'));
    const run = await runWithDeadline(action, parsed.data, { config: this.config, tools: this.tools, request, progress: onProgress }, {
      timeoutMs: Math.min(request.timeoutMs, action.timeoutMs),
      graceMs: this.graceMs,
      mutates,
      shape: (r) => ({ ...r, output: capOutput(r.output) }),
    });
    let result = run.result;
    if (run.late) this.recordLate(request, run.late, result, log);
    const finished = this.ledger.finish(request.requestId, this.tools.now(), result);
    if (mutates) {
      try {
        await finished;
      } catch (err) {
        log?.error({ err }, 'could not record the result in the ledger');
        result = { ...result, summary: `${result.summary} (not recorded in the agent's ledger: ${(err as Error).message}; after a restart of the agent this request reads as unknown)` };
      }
    } else {
      // A probe's result is the same whether its end line is on disk yet or never gets there (a failed
      // write is only logged), so it goes out without waiting for the fsync: in a bundle each probe
      // would otherwise wait for the flushes of the others' lines too.
      finished.catch((err: unknown) => log?.error({ err }, 'could not record the result in the ledger'));
    }
    log?.info({ status: result.status, refused: result.refused }, 'request finished');
    return result;
  }

  /** An action that outlived its deadline and grace: when it does end, the ledger (and the log) get what it really did. */
  private recordLate(request: WireRequest, late: Promise<WireResult>, reported: WireResult, log: Logger | undefined): void {
    void late.then(async (r) => {
      const result = fitForWire({ ...r, summary: `${r.summary} (finished after it was reported ${reported.status})` });
      log?.warn({ status: r.status, summary: r.summary }, 'request finished after its result was sent');
      await this.ledger.finish(request.requestId, this.tools.now(), result).catch((err: unknown) => log?.error({ err }, 'could not record the late result in the ledger'));
    });
  }

  private check(request: WireRequest): WireResult | undefined {
    if (this.ledger.has(request.requestId)) {
      const seen = this.ledger.lookup(request.requestId);
      const how = seen.state === 'done' ? `it finished ${seen.result.status}: ${seen.result.summary}` : seen.state === 'running' ? 'it is still running' : 'its earlier run was cut short and its outcome is unknown';
      return { ...refusal('duplicate', `request ${request.requestId} was already received and is never run twice (${how})`), status: seen.state === 'done' ? seen.result.status : 'unknown' };
    }
    if (!isKnownAction(request.action) || !AGENT_ACTIONS.has(request.action)) return refusal('unknown-action', `unknown action "${request.action.slice(0, 64)}"`);
    if (ACTION_CATALOG[request.action].mutates && !request.approvalId) return refusal('needs-approval', `${request.action} changes the host and needs an approval id`);
    for (const [key, value] of Object.entries(request.params)) {
      if (typeof value !== 'string') continue;
      if (TRAVERSAL.test(value)) return refusal('bad-params', `${key}: path traversal ("${value.slice(0, 64)}"); parameters are symbolic names from the agent config, never paths`);
      if (SHELL_META.test(value)) return refusal('bad-params', `${key}: shell metacharacters in "${value.slice(0, 64)}"`);
    }
    return undefined;
  }
}
