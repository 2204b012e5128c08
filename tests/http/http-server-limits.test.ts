import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import express from 'express';
import { pino } from 'pino';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import { HttpServer } from '../../src/http/http-server.js';
import { requestPath } from '../../src/http/route-upgrade.js';
import { rawExchange, requestHead, UPGRADE_HEADERS } from '../support/raw-http.js';

const silent = pino({ level: 'silent' });
let http: HttpServer;
let hub: AgentHub;
let port: number;

beforeEach(async () => {
  http = new HttpServer(silent, undefined, { headersTimeoutMs: 400, requestTimeoutMs: 800, checkIntervalMs: 100, maxHeaderBytes: 4096 });
  hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex('agent-token-0123456789abcdef') }], log: silent });
  http.onUpgrade('/agent', (req, socket, head) => hub.upgrade(req, socket, head));
  http.app.post('/json', express.json({ limit: '1kb' }), (req, res) => res.json({ got: typeof req.body }));
  http.seal();
  port = await http.listen(0, '127.0.0.1');
});

afterEach(async () => {
  await hub.close();
  await http.close();
});

async function stillServes(): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(res.status).toBe(200);
}

describe('requestPath', () => {
  it('takes the path of origin-form targets only, without URL parsing', () => {
    expect(requestPath('/agent?x=1')).toBe('/agent');
    expect(requestPath('//')).toBe('//');
    expect(requestPath('/\\')).toBe('/\\');
    expect(requestPath('//@')).toBe('//@');
    expect(requestPath('http://x/agent')).toBeUndefined();
    expect(requestPath('*')).toBeUndefined();
    expect(requestPath('')).toBeUndefined();
  });
});

describe('HttpServer refuses malformed and abusive requests and stays up (issue 12, finding 1)', () => {
  it.each(['//', '/\\', '//@', '//@/agent', '/agent/', '/agent%00', '/nothing', 'http://x/agent', '*'])('an upgrade to %s is refused and the socket closed at once', async (target) => {
    const r = await rawExchange(port, [requestHead(`GET ${target} HTTP/1.1`, UPGRADE_HEADERS)], { waitMs: 5_000 });
    expect(r.closed).toBe(true);
    expect(r.statusLine).toMatch(/^HTTP\/1\.1 4\d\d /);
    await stillServes();
  });

  it('an upgrade to /agent without credentials is 401 and closed', async () => {
    const r = await rawExchange(port, [requestHead('GET /agent HTTP/1.1', UPGRADE_HEADERS)], { waitMs: 5_000 });
    expect(r).toMatchObject({ closed: true, statusLine: 'HTTP/1.1 401 Unauthorized' });
  });

  it('headers past the limit are 431 and closed', async () => {
    const r = await rawExchange(port, [requestHead('GET /healthz HTTP/1.1', { 'X-Big': 'a'.repeat(8000) })], { waitMs: 5_000 });
    expect(r).toMatchObject({ closed: true, statusLine: 'HTTP/1.1 431 Request Header Fields Too Large' });
    await stillServes();
  });

  it('a client that sends its headers slowly is cut off (408) at the headers deadline', async () => {
    const r = await rawExchange(port, ['GET /healthz HTTP/1.1\r\n', 'Host: drbot\r\n', 'X-A: 1\r\n', 'X-B: 1\r\n', 'X-C: 1\r\n', 'X-D: 1\r\n'], { gapMs: 200, waitMs: 8_000 });
    expect(r.closed).toBe(true);
    expect(r.statusLine).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('a client that sends its body slowly is cut off at the request deadline', async () => {
    const head = requestHead('POST /json HTTP/1.1', { 'Content-Type': 'application/json', 'Content-Length': '100' });
    const r = await rawExchange(port, [head, ...Array.from({ length: 20 }, () => ' ')], { gapMs: 200, waitMs: 8_000 });
    expect(r.closed).toBe(true);
    expect(r.statusLine).toBe('HTTP/1.1 408 Request Timeout');
  });

  it('a malformed request line is 400 and closed', async () => {
    const r = await rawExchange(port, ['GARBAGE\r\n\r\n'], { waitMs: 5_000 });
    expect(r).toMatchObject({ closed: true, statusLine: 'HTTP/1.1 400 Bad Request' });
  });

  it('invalid JSON is 400, a body past the route limit 413, never 500', async () => {
    const bad = await fetch(`http://127.0.0.1:${port}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(bad.status).toBe(400);
    const big = await fetch(`http://127.0.0.1:${port}/json`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(4000) }) });
    expect(big.status).toBe(413);
    const path = await fetch(`http://127.0.0.1:${port}/web/%E0%A4%A`);
    expect(path.status).toBe(404);
    await stillServes();
  });
});

describe('AgentHub.attach on a plain server (issue 12, finding 1)', () => {
  it('a malformed upgrade target does not throw out of the upgrade listener', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('ok'));
    hub.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const p = (server.address() as { port: number }).port;
    try {
      for (const target of ['//', '/\\', '//@', '/other']) {
        const r = await rawExchange(p, [requestHead(`GET ${target} HTTP/1.1`, UPGRADE_HEADERS)], { waitMs: 5_000 });
        expect(r.closed).toBe(true);
        expect(r.statusLine).toMatch(/^HTTP\/1\.1 4\d\d /);
      }
      expect(await (await fetch(`http://127.0.0.1:${p}/`)).text()).toBe('ok');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
