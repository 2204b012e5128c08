import http from 'node:http';
import https from 'node:https';
import { messageBody } from './render-block-kit.js';

/** What an answer to a slash command or click says (Slack's response_url message). */
export interface ResponseMessage {
  response_type: 'ephemeral' | 'in_channel';
  replace_original: boolean;
  text: string;
  blocks?: unknown[];
}

/** Slack did not take an answer at its response_url (expired, rate limited, unreachable). */
export class ResponseUrlError extends Error {
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'ResponseUrlError';
  }
}

/** How many answers go to Slack at once per host, and how long one may take. */
const MAX_SOCKETS = 16;
const TIMEOUT_MS = 10_000;
/** Slack's answer to a response_url post is a few bytes; more is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Posts answers to the response_url of a slash command or click, over kept-alive connections.
 * Bolt's `respond` goes through `fetch`, which cost drbot more CPU per answer than routing and
 * rendering the command did (the slack-ack bench), so answers fell behind acks under a burst.
 */
export class ResponseUrlPoster {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
  };

  /** Posts one answer; rejects with `ResponseUrlError` when Slack does not answer 2xx in time. */
  post(responseUrl: string, message: ResponseMessage): Promise<void> {
    let url: URL;
    try {
      url = new URL(responseUrl);
    } catch {
      return Promise.reject(new ResponseUrlError('the response_url is not a URL'));
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.reject(new ResponseUrlError(`the response_url is not http(s) but ${url.protocol}`));
    const body = messageBody(message);
    const request = url.protocol === 'https:' ? https.request : http.request;
    return new Promise<void>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agents[url.protocol as 'http:' | 'https:'],
          headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length },
          timeout: TIMEOUT_MS,
        },
        (res) => {
          let read = 0;
          res.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) res.destroy();
          });
          res.on('error', reject);
          res.on('close', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new ResponseUrlError(`Slack answered ${status} ${res.statusMessage ?? ''} at the response_url`.trim(), status));
          });
        },
      );
      req.on('timeout', () => req.destroy(new ResponseUrlError(`Slack did not answer at the response_url within ${TIMEOUT_MS / 1000} s`)));
      req.on('error', (err) => reject(err instanceof ResponseUrlError ? err : new ResponseUrlError(`could not post to the response_url: ${err.message}`)));
      req.end(body);
    });
  }

  /** Closes the kept connections. */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
