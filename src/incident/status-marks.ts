import type { ActionStatus } from '../agentlink/agent-port.js';

/** The sign each step outcome gets on the timeline (❔: the outcome is not known, never shown as a failure). */
export const STATUS_MARKS: Readonly<Record<ActionStatus, string>> = { ok: '✅', warn: '⚠️', fail: '❌', unknown: '❔' };
