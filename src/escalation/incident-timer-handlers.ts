import type { TimerHandler } from '../scheduler/timer-work.js';
import { ladderTimer, pageAtOpenTimer } from './ladder-timer.js';
import { quietTimer } from './quiet-timer.js';
import { rtoAlarmTimer } from './rto-alarm-timer.js';

/** What acts on an incident's timers (those `openingTimers` writes): the ladder pages, the RTO alarms and the quiet reminder. */
export const INCIDENT_TIMER_HANDLERS: readonly TimerHandler[] = [ladderTimer, pageAtOpenTimer, rtoAlarmTimer, quietTimer];
