import type { Logger } from 'pino';
import { OUTPUT_CAP_BYTES, SUMMARY_CAP_CHARS, type WireRequest, type WireResult } from '../agentlink/agent-protocol.js';
import { ACTION_CATALOG, isKnownAction } from './action-catalog.js';
import { ActionRefused, type HostTools, type RefusalCode } from './agent-action.js';
import type { AgentConfig } from './agent-config.js';
import { AGENT_ACTIONS } from './actions/index.js';
import type { LedgerState, RequestLedger } from './request-ledger.js';

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
 * running it; enforces the action's timeout and caps the output.
 */
export class ActionExecutor {
  constructor(
    private readonly config: AgentConfig,
    private readonly tools: HostTools,
    private readonly ledger: RequestLedger,
    private readonly log?: Logger,
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
    const controller = new AbortController();
    const timeoutMs = Math.min(request.timeoutMs, action.timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<WireResult>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error('timeout'));
        resolve({ status: 'fail', summary: `${request.action}: timed out after ${Math.round(timeoutMs / 1000)} s`, output: '' });
      }, timeoutMs);
    });
    let result: WireResult;
    try {
      const running = action.run(parsed.data, { config: this.config, tools: this.tools, signal: controller.signal, request, progress: onProgress }).then(
        (o): WireResult => ({ status: o.status, summary: o.summary, output: capOutput(o.output ?? ''), data: o.data }),
        (err: unknown): WireResult =>
          err instanceof ActionRefused ? refusal(err.code, err.message) : { status: 'fail', summary: `${request.action} failed: ${(err as Error).message}`, output: '' },
      );
      result = await Promise.race([running, timedOut]);
    } finally {
      clearTimeout(timer);
    }
    try {
      await this.ledger.finish(request.requestId, this.tools.now(), result);
    } catch (err) {
      log?.error({ err }, 'could not record the result in the ledger');
      if (mutates) result = { ...result, summary: `${result.summary} (not recorded in the agent's ledger: ${(err as Error).message}; after a restart of the agent this request reads as unknown)` };
    }
    log?.info({ status: result.status, refused: result.refused }, 'request finished');
    return result;
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
