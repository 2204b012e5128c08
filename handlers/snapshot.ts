import { snapshotStep } from '../src/incident/incident-reactions.js';
import { scrubText } from '../src/logging/scrub-secrets.js';
import { formatTime, hhmm, localTime } from '../src/i18n/format-time.js';
import type { Handler } from '../src/router/handler.js';
import { refusal, withIncident } from './with-incident.js';

/** The most of a snapshot shown in chat; the rest stays in the file on the host (the reply says so). */
export const SNAPSHOT_SHOWN_CHARS = 12_000;
/** The most of a snapshot carried as a file to the incident (Slack upload, Teams post): its end, saying what was left out. */
export const SNAPSHOT_FILE_MAX_CHARS = 256_000;

/**
 * `/incident snapshot [id]`: takes the log snapshot now (the same `log_snapshot` the open runs) and
 * shows its content — secrets scrubbed, its end when it is longer than SNAPSHOT_SHOWN_CHARS, saying
 * what was left out — together with the file the agent wrote on the host. The reply also carries the
 * snapshot as a file (scrubbed, its end when longer than SNAPSHOT_FILE_MAX_CHARS) that reaches the
 * incident: uploaded into its Slack channel, posted under its Teams card; the console shows the path.
 */
export const snapshot: Handler<'snapshot'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    if (incident.status !== 'open') return refusal(ctx, { ko: `${incident.id}은(는) 열려 있지 않습니다 (${incident.status}).`, en: `${incident.id} is not open (${incident.status}).` });
    const execution = await ctx.runtime.steps.execute(incident, ctx.actor, snapshotStep(ctx.runtime));
    if (execution.offline || !execution.run) {
      return refusal(ctx, {
        ko: `${incident.host} 호스트의 에이전트가 연결되어 있지 않아 스냅샷을 찍지 못했습니다. 에이전트가 다시 연결되면 이 인시던트의 진단과 스냅샷이 자동으로 실행됩니다.`,
        en: `No agent is connected for host ${incident.host}, so no snapshot was taken. When the agent connects again, this incident's missing diagnostics and snapshot run by themselves.`,
      });
    }
    const run = execution.run;
    const text = scrubText(run.output ?? '');
    const cut = text.length > SNAPSHOT_SHOWN_CHARS;
    const shown = cut ? text.slice(-SNAPSHOT_SHOWN_CHARS) : text;
    const line = `${run.status === 'ok' ? '📸' : '⚠️'} ${run.summary}`;
    const note = cut
      ? ctx.t(`(앞부분 ${text.length - SNAPSHOT_SHOWN_CHARS}자는 생략 — 전체는 호스트의 파일에 있습니다)`, `(the first ${text.length - SNAPSHOT_SHOWN_CHARS} characters are left out here; the whole snapshot is in the file on the host)`)
      : undefined;
    const at = run.finishedAt ?? run.startedAt;
    const fileCut = text.length > SNAPSHOT_FILE_MAX_CHARS;
    const fileText = fileCut
      ? ctx.t(`(앞부분 ${text.length - SNAPSHOT_FILE_MAX_CHARS}자는 생략 — 전체는 호스트의 파일에 있습니다)`, `(the first ${text.length - SNAPSHOT_FILE_MAX_CHARS} characters are left out; the whole snapshot is in the file on the host)`) + '\n' + text.slice(-SNAPSHOT_FILE_MAX_CHARS)
      : text;
    const stamp = formatTime(at, ctx.runtime.timeZone).replace(/[-: ]/g, '');
    const file = text
      ? {
          filename: `${incident.id}-snapshot-${stamp}.log`,
          title: ctx.t(`${incident.id} 로그 스냅샷 (${hhmm(localTime(at, ctx.runtime.timeZone))})`, `${incident.id} log snapshot (${hhmm(localTime(at, ctx.runtime.timeZone))})`),
          content: fileText,
        }
      : undefined;
    return {
      incidentId: incident.id,
      refused: run.status === 'fail' ? true : undefined,
      ...(file && run.status !== 'fail' ? { file } : {}),
      views: [{ summary: line, blocks: [{ type: 'text', text: line }, ...(note ? [{ type: 'text' as const, text: note }] : []), ...(shown ? [{ type: 'code' as const, text: shown }] : [])] }],
    };
  });
