import { createHmac, randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';

/** What the load worker is asked to do. */
export interface LoadOrder {
  url: string;
  responseBase: string;
  secret: string;
  count: number;
  concurrency: number;
}

/** Sends `count` signed `/incident status` slash commands at `concurrency` and reports each ack latency. Runs in its own thread so the client's work does not sit in the server's event loop. */
async function main(order: LoadOrder): Promise<{ times: number[]; ms: number }> {
  const times: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
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
      const res = await fetch(`${order.url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature },
        body,
      });
      await res.arrayBuffer();
      times.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`ack was ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: order.concurrency }, worker));
  return { times, ms: performance.now() - started };
}

if (parentPort) {
  main(workerData as LoadOrder).then(
    (result) => parentPort!.postMessage({ ok: true, ...result }),
    (err: Error) => parentPort!.postMessage({ ok: false, error: err.message }),
  );
}
