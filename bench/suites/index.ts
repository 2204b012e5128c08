import type { BenchSuite } from '../bench-suite.js';
import { consoleStart } from './console-start.js';
import { openThroughRouter } from './open-through-router.js';

/** Every benchmark suite, in the order `npm run bench` runs them. */
export const SUITES: BenchSuite[] = [consoleStart, openThroughRouter];
