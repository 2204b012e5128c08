import type { WireResult } from '../agentlink/agent-protocol.js';
import { ActionRefused, OutcomeUnknown, type ActionContext, type AgentAction } from './agent-action.js';

/** How long an action may take to stop after its deadline aborted it, before it is given up on (5 s). */
export const ABORT_GRACE_MS = 5000;

/** How a run ended: its result, and for one still running when it was given up on, its real end. */
export interface DeadlineRun {
  result: WireResult;
  /** Settles with what the action finally did, when `result` had to be given before it stopped. */
  late?: Promise<WireResult>;
}

/** Timing and nature of one run. */
export interface DeadlineOptions {
  timeoutMs: number;
  graceMs: number;
  /** A host-changing action: cut short, its outcome is unknown rather than failed. */
  mutates: boolean;
  /** What to do with each result the action itself produced (cap its output). */
  shape(result: WireResult): WireResult;
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

function settleWithin<T>(promise: Promise<T>, ms: number): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ done: false }>((resolve) => (timer = setTimeout(() => resolve({ done: false }), ms)));
  return Promise.race([promise.then((value) => ({ done: true as const, value })), timeout]).finally(() => clearTimeout(timer));
}

/**
 * Runs an action under its deadline. At the deadline its signal aborts and it gets `graceMs` to
 * stop. A host-changing action that was cut short once it had said it was changing the host (or that
 * does not stop in time) ends `unknown`, with what to check; one cut short before that changed
 * nothing and ends `fail`. Read-only actions end `fail` on their timeout.
 */
export async function runWithDeadline(action: AgentAction, params: unknown, base: Omit<ActionContext, 'signal' | 'changing'>, options: DeadlineOptions): Promise<DeadlineRun> {
  const controller = new AbortController();
  const limit = seconds(options.timeoutMs);
  let check: string | undefined;
  let timedOut = false;
  const fromError = (err: unknown): WireResult => {
    if (err instanceof ActionRefused) return { status: 'fail', summary: `refused: ${err.message}`, output: '', refused: err.code };
    if (err instanceof OutcomeUnknown) return { status: 'unknown', summary: `${action.name}: ${err.message}; outcome unknown: ${err.check}`, output: '' };
    const why = timedOut ? `timed out after ${limit}` : (err as Error).message;
    if (options.mutates && check !== undefined) return { status: 'unknown', summary: `${action.name} was cut short (${why}); outcome unknown: ${check}`, output: '' };
    return { status: 'fail', summary: timedOut ? `${action.name}: timed out after ${limit}` : `${action.name} failed: ${why}`, output: '' };
  };
  const running = Promise.resolve()
    .then(() => action.run(params, { ...base, signal: controller.signal, changing: (note) => (check = note) }))
    .then((o) => options.shape({ status: o.status, summary: o.summary, output: o.output ?? '', data: o.data }), fromError);
  const first = await settleWithin(running, options.timeoutMs);
  if (first.done) return { result: first.value };
  timedOut = true;
  controller.abort(new Error(`timed out after ${limit}`));
  const second = await settleWithin(running, options.graceMs);
  if (second.done) return { result: second.value };
  const stuck = `${action.name} timed out after ${limit} and had not stopped ${seconds(options.graceMs)} later`;
  const result: WireResult = options.mutates
    ? { status: 'unknown', summary: `${stuck}; outcome unknown: ${check ?? 'it may still be changing the host; check what it does before running it again'}`, output: '' }
    : { status: 'fail', summary: `${stuck}`, output: '' };
  return { result, late: running };
}
