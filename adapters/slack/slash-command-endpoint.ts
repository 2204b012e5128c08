import type { ServerResponse } from 'node:http';
import { sendJson } from '../../src/http/http-server.js';
import { messageBody } from './render-block-kit.js';
import { takeSlashCommand, type ListenerHooks } from './register-slack-listeners.js';
import type { LedgerRequest } from './slack-request-ledger.js';

/**
 * Takes an `/incident` slash command posted over HTTP that the request ledger already read and
 * found validly signed, fresh and first seen: queues it and acks, with the answer when it is
 * ready within the ack's budget (ack-slot.ts), without a second pass through Bolt; false (and
 * nothing answered) for a request it does not take.
 * Bolt's receiver, for a slash command, read the body again, checked the same signature again
 * and ran its listener chain: about 270 µs of the main thread per command against 53 µs for the
 * HTTP request itself (slack-ack bench, 2026-11-29), which set how fast drbot could
 * ack and answer a burst. Interactivity payloads, events, Slack's url_verification and
 * ssl_check, other slash commands, and anything the ledger did not mark are Bolt's.
 * Socket Mode commands come through Bolt's listener, which takes them the same way.
 */
export function takeSlashCommandRequest(hooks: ListenerHooks, req: LedgerRequest, res: ServerResponse): boolean {
  if (!req.slackSigned || !req.rawBody || req.headers['content-type'] !== 'application/x-www-form-urlencoded') return false;
  const form = new URLSearchParams(req.rawBody.toString('utf8'));
  const userId = form.get('user_id');
  const triggerId = form.get('trigger_id');
  if (form.get('command') !== '/incident' || form.has('payload') || form.has('ssl_check') || !userId || !triggerId) return false;
  takeSlashCommand(
    hooks,
    {
      text: form.get('text') ?? undefined,
      user_id: userId,
      user_name: form.get('user_name') ?? undefined,
      channel_id: form.get('channel_id') ?? undefined,
      trigger_id: triggerId,
      response_url: form.get('response_url') ?? undefined,
    },
    (answer) => {
      if (res.writableEnded || res.destroyed) return false;
      if (!answer) {
        res.writeHead(200, { 'content-length': '0' }).end();
        return true;
      }
      sendJson(res, 200, answer, messageBody);
      return true;
    },
  );
  return true;
}
