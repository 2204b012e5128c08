import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LiveUpdates } from '../../src/web/live-updates.js';

let server: Server | undefined;
let live: LiveUpdates | undefined;
afterEach(async () => {
  live?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = live = undefined;
});

async function serve(updates: LiveUpdates): Promise<string> {
  live = updates;
  server = createServer((_req, res) => updates.attach(res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Reads an event stream until `text` appears. */
async function readUntil(res: Response, text: string): Promise<string> {
  const reader = res.body!.getReader();
  let got = '';
  while (!got.includes(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before "${text}": ${got}`);
    got += new TextDecoder().decode(value);
  }
  void reader.cancel();
  return got;
}

describe('LiveUpdates', () => {
  it('refuses watchers past the limit with 503 (the page then polls)', async () => {
    const url = await serve(new LiveUpdates({ maxClients: 1 }));
    const first = await fetch(url);
    expect(first.status).toBe(200);
    await readUntil(first.clone(), ': drbot live');
    const second = await fetch(url);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('5');
  });

  it('tells watchers when the store changed on another replica (no event here, only the change mark)', async () => {
    let mark = 'a';
    const url = await serve(new LiveUpdates({ changeMark: async () => mark, pollMs: 20, coalesceMs: 10 }));
    const res = await fetch(url);
    await readUntil(res.clone(), ': drbot live');
    await new Promise((r) => setTimeout(r, 60));
    mark = 'b';
    await readUntil(res, 'event: change');
  });

  it('sends a burst of changes as one message', async () => {
    const updates = new LiveUpdates({ coalesceMs: 40, heartbeatMs: 60_000 });
    const url = await serve(updates);
    const res = await fetch(url);
    await readUntil(res.clone(), ': drbot live');
    for (let i = 0; i < 5; i++) updates.changed();
    await new Promise((r) => setTimeout(r, 100));
    updates.changed();
    const reader = res.body!.getReader();
    let got = '';
    while ((got.match(/event: change/g) ?? []).length < 2) got += new TextDecoder().decode((await reader.read()).value);
    void reader.cancel();
    // Five changes in one window and one after it: two messages, not six.
    expect(got.match(/event: change/g)).toHaveLength(2);
  });

  it('ends every stream when drbot stops, and takes no new watcher after', async () => {
    const updates = new LiveUpdates();
    const url = await serve(updates);
    const res = await fetch(url);
    await readUntil(res.clone(), ': drbot live');
    expect(updates.watching).toBe(1);
    updates.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(updates.watching).toBe(0);
    expect((await fetch(url)).status).toBe(503);
  });
});
