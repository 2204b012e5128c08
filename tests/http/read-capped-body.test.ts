import { afterEach, describe, expect, it } from '@jest/globals';
import { readCappedBody } from '../../src/http/read-capped-body.js';
import { startEndlessBodyServer, type EndlessBodyServer } from '../support/endless-body-server.js';

let server: EndlessBodyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('readCappedBody', () => {
  it('reads the first bytes of an endless body, says it was cut, and hangs up', async () => {
    server = await startEndlessBodyServer();
    const res = await fetch(server.url);
    const body = await readCappedBody(res, 4096);
    expect(body).toEqual({ text: '['.repeat(4096), cut: true });
    await server.clientHungUp;
    expect(server.finished()).toBe(false);
  });

  it('reads a short body whole', async () => {
    const res = new Response('{"status":"ok"}');
    expect(await readCappedBody(res, 4096)).toEqual({ text: '{"status":"ok"}', cut: false });
    expect(await readCappedBody(new Response('x'.repeat(4096)), 4096)).toEqual({ text: 'x'.repeat(4096), cut: false });
  });
});
