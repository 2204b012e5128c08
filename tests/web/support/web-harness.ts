import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { LiveUpdates } from '../../../src/web/live-updates.js';
import { coreWebData } from '../../../src/web/web-data.js';
import { WebLinkSigner } from '../../../src/web/web-link-signer.js';
import { webRoutes } from '../../../src/web/web-routes.js';
import type { TestRuntime } from '../../support/test-runtime.js';

/** The secret the harness signs links with. */
export const WEB_SECRET = 'web-test-secret-0123456789abcdef01234567';

/** The web view of a test core, served on a free local port. */
export interface WebHarness {
  url: string;
  signer: WebLinkSigner;
  live: LiveUpdates;
  /** A Cookie header of a signed-in session for a contact. */
  sessionFor(name: string): string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Serves `/web` over a test core: sign-in links on (WEB_SECRET), the proxy header only when given. */
export async function webHarness(core: TestRuntime, options: { trustedHeader?: string; secrets?: string[]; now?: () => number; signerNow?: () => number } = {}): Promise<WebHarness> {
  const signer = new WebLinkSigner(WEB_SECRET, options.signerNow ?? Date.now);
  const live = new LiveUpdates({ coalesceMs: 20, changeMark: () => core.store.incidents.changeMark(), pollMs: 200 });
  live.subscribe(core.events);
  const app = express();
  app.use(
    '/web',
    webRoutes({
      data: coreWebData(core),
      access: { contact: (n) => core.contacts.byName(n), contacts: () => core.contacts.all(), signer, trustedHeader: options.trustedHeader },
      live,
      lang: core.lang,
      timeZone: core.timeZone,
      pack: core.pack,
      now: options.now ?? (() => core.clock.now()),
      secureCookie: false,
      secrets: options.secrets ?? [],
      log: core.log,
    }),
  );
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    signer,
    live,
    sessionFor: (name) => `drbot_web=${signer.sessionToken(name)}`,
    get: (path, headers = {}) => fetch(url + path, { headers, redirect: 'manual' }),
    async close() {
      live.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
