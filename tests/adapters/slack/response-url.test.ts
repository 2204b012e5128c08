import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ResponseUrlError, ResponseUrlPoster } from '../../../adapters/slack/response-url.js';

interface Seen {
  body: unknown;
  contentType?: string;
  socket: unknown;
}

describe('ResponseUrlPoster (answers to slash commands and clicks)', () => {
  let server: Server | undefined;
  const poster = new ResponseUrlPoster();
  afterEach(async () => {
    poster.close();
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  async function slack(status: number): Promise<{ url: string; seen: Seen[] }> {
    const seen: Seen[] = [];
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        seen.push({ body: JSON.parse(data), contentType: req.headers['content-type'], socket: req.socket });
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 200 ? 'ok' : 'expired_url');
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/response/T1/abc`, seen };
  }

  it('posts the answer as JSON, several over one kept-alive connection', async () => {
    const { url, seen } = await slack(200);
    const message = { response_type: 'ephemeral' as const, replace_original: false, text: 'INC — *open*', blocks: [{ type: 'section' }] };
    await poster.post(url, message);
    await poster.post(url, { ...message, text: 'second' });
    expect(seen.map((s) => s.body)).toEqual([message, { ...message, text: 'second' }]);
    expect(seen[0]!.contentType).toMatch(/^application\/json/);
    expect(seen[1]!.socket).toBe(seen[0]!.socket);
  });

  it('rejects with the status when Slack refuses the answer (an expired response_url)', async () => {
    const { url } = await slack(404);
    const err = await poster.post(url, { response_type: 'ephemeral', replace_original: false, text: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResponseUrlError);
    expect((err as ResponseUrlError).statusCode).toBe(404);
  });

  it('refuses a response_url that is not http(s), and says when nothing answers, without naming the URL', async () => {
    await expect(poster.post('file:///etc/passwd', { response_type: 'ephemeral', replace_original: false, text: 'x' })).rejects.toThrow(/not http\(s\)/);
    await expect(poster.post('not a url', { response_type: 'ephemeral', replace_original: false, text: 'x' })).rejects.toThrow(/not a URL/);
    const { url } = await slack(200);
    server!.closeAllConnections();
    await new Promise<void>((r) => server!.close(() => r()));
    server = undefined;
    const err = (await poster.post(url, { response_type: 'ephemeral', replace_original: false, text: 'x' }).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(ResponseUrlError);
    expect(err.message).not.toContain('/response/T1/abc');
  });
});
