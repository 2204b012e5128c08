import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { HttpServer } from '../../src/http/http-server.js';

/** Direct routes (HttpServer.direct) are served ahead of express; everything else is express's, as before. */

let http: HttpServer | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
});

async function serve(): Promise<{ server: HttpServer; url: string; seen: string[] }> {
  const server = new HttpServer(pino({ level: 'silent' }));
  const seen: string[] = [];
  server.direct('POST', '/hook', (req, res, toExpress) => {
    seen.push(req.url ?? '');
    if (req.headers['x-hand-on']) return toExpress();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('direct');
  });
  server.direct('POST', '/broken', async () => {
    throw new Error('handler failed');
  });
  server.app.post('/hook', (_req, res) => {
    res.type('text/plain').send('express');
  });
  server.seal();
  http = server;
  const port = await server.listen(0, '127.0.0.1');
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

const post = async (url: string, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method: 'POST', headers, body: 'x' });
  return { status: res.status, text: await res.text() };
};

describe('a direct route on drbot’s HTTP server', () => {
  it('serves its method and path in every spelling express would route the same (letter case, trailing slash, query)', async () => {
    const { url, seen } = await serve();
    for (const path of ['/hook', '/HOOK', '/hook/', '/hook?a=1']) expect(await post(`${url}${path}`)).toEqual({ status: 200, text: 'direct' });
    expect(seen).toEqual(['/hook', '/HOOK', '/hook/', '/hook?a=1']);
  });

  it('hands on to express what it does not serve, and leaves other methods and paths to express', async () => {
    const { url } = await serve();
    expect(await post(`${url}/hook`, { 'x-hand-on': '1' })).toEqual({ status: 200, text: 'express' });
    expect((await fetch(`${url}/hook`)).status).toBe(404);
    expect((await post(`${url}/hooks`)).status).toBe(404);
  });

  it('answers 500 when its handler fails, and the server keeps serving', async () => {
    const { url } = await serve();
    expect(await post(`${url}/broken`)).toEqual({ status: 500, text: JSON.stringify({ error: 'internal error' }) });
    expect(await post(`${url}/hook`)).toEqual({ status: 200, text: 'direct' });
  });
});
