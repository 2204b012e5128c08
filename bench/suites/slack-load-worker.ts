import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** What the load worker is asked to do. */
export interface LoadOrder {
  url: string;
  responseBase: string;
  secret: string;
  count: number;
  concurrency: number;
}

/**
 * Sends `count` signed `/incident status` slash commands at `concurrency` and reports each ack
 * latency, and how many acks carried an answer. Runs in its own thread so the client's work does not sit in the server's event loop.
 * Uses node:http over kept-alive connections (one per concurrent sender): `fetch` (undici) cost the
 * client more CPU per request than a bare Bolt app spends acking it, so on two shared cores the
 * load generator, not the server, set the measured rate and latency.
 */
async function main(order: LoadOrder): Promise<{ times: number[]; ms: number; answeredInAck: number }> {
  const target = new URL('/slack/events', order.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: order.concurrency });
  const times: number[] = [];
  let answeredInAck = 0;
  let next = 0;
  const post = (body: string, headers: http.OutgoingHttpHeaders) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(target, { method: 'POST', agent, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  const started = performance.now();
  const sender = async () => {
    while (next < order.count) {
      next++;
      const body = new URLSearchParams({
        token: 'x',
        team_id: 'TBENCH',
        channel_id: 'CBENCH',
        user_id: 'U0DEVOPS01',
        user_name: 'kim',
        command: '/incident',
        text: 'status',
        api_app_id: 'ABENCH',
        response_url: `${order.responseBase}/response/${randomUUID()}`,
        trigger_id: randomUUID(),
      }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const signature = 'v0=' + createHmac('sha256', order.secret).update(`v0:${ts}:${body}`).digest('hex');
      const t0 = performance.now();
      const ack = await post(body, {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(body),
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      });
      times.push(performance.now() - t0);
      if (ack.status !== 200) throw new Error(`ack was ${ack.status}`);
      // An ack can carry the command's answer (drbot's status card, in blocks); a bare or "busy" ack is no answer.
      if (ack.body.includes('"blocks"')) answeredInAck++;
    }
  };
  try {
    await Promise.all(Array.from({ length: order.concurrency }, sender));
  } finally {
    agent.destroy();
  }
  return { times, ms: performance.now() - started, answeredInAck };
}

if (parentPort) {
  main(workerData as LoadOrder).then(
    (result) => parentPort!.postMessage({ ok: true, ...result }),
    (err: Error) => parentPort!.postMessage({ ok: false, error: err.message }),
  );
}
