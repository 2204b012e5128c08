import type { HandlerTable } from '../src/router/handler.js';
import { ack } from './ack.js';
import { agents } from './agents.js';
import { approve } from './approve.js';
import { assign } from './assign.js';
import { cancel } from './cancel.js';
import { check } from './check.js';
import { checks } from './checks.js';
import { close } from './close.js';
import { diag } from './diag.js';
import { snapshot } from './snapshot.js';
import { escalate } from './escalate.js';
import { drill } from './drill.js';
import { makeHelp } from './help.js';
import { list } from './list.js';
import { note } from './note.js';
import { notify } from './notify.js';
import { open } from './open.js';
import { report } from './report.js';
import { resolve } from './resolve.js';
import { plan } from './plan.js';
import { reopen } from './reopen.js';
import { run } from './run.js';
import { set } from './set.js';
import { stats } from './stats.js';
import { status } from './status.js';
import { web } from './web.js';

/** Every verb's handler; `help` lists exactly the verbs present here. */
export function createHandlers(): HandlerTable {
  const table: HandlerTable = { open, list, status, diag, agents, approve, run, check, ack, escalate, assign, note, resolve, close, cancel, checks, notify, report, stats, web, drill, set, reopen, plan, snapshot };
  table.help = makeHelp(() => Object.keys(table));
  return table;
}
