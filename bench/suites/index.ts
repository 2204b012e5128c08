import type { BenchSuite } from '../bench-suite.js';
import { agentRoundtrip } from './agent-roundtrip.js';
import { consoleStart } from './console-start.js';
import { ladderTimers } from './ladder-timers.js';
import { openReads } from './open-reads.js';
import { openThroughRouter } from './open-through-router.js';
import { operations } from './operations.js';
import { pagesAndReports } from './pages-and-reports.js';
import { replicas } from './replicas.js';
import { slackAck } from './slack-ack.js';
import { teamsRoundTrip } from './teams-round-trip.js';
import { webPages } from './web-pages.js';

/** Every benchmark suite, in the order `npm run bench` runs them. */
export const SUITES: BenchSuite[] = [consoleStart, openThroughRouter, openReads, teamsRoundTrip, ladderTimers, agentRoundtrip, pagesAndReports, slackAck, operations, webPages, replicas];
