import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import { secretsFromEnv } from '../logging/create-logger.js';
import { LiveUpdates } from './live-updates.js';
import { coreWebData } from './web-data.js';
import { webRoutes } from './web-routes.js';

/** The read-only web view under `/web` on drbot's HTTP server (only when `web.enabled`). */
export class WebModule implements DrbotModule {
  readonly name = 'web';
  private live?: LiveUpdates;

  async start({ runtime, http, config }: AppContext): Promise<void> {
    const log = runtime.log.child({ module: 'web' });
    const live = new LiveUpdates({ changeMark: () => runtime.store.incidents.changeMark(), onError: (err) => log.warn({ err }, 'live view could not read the change mark; it tries again') });
    live.subscribe(runtime.events);
    this.live = live;
    http.app.use(
      '/web',
      webRoutes({
        data: coreWebData(runtime),
        access: { contact: (name) => runtime.contacts.byName(name), contacts: () => runtime.contacts.all(), signer: runtime.web?.signer, trustedHeader: config.web.trustedHeader },
        live,
        lang: runtime.lang,
        timeZone: runtime.timeZone,
        pack: runtime.pack,
        now: () => runtime.clock.now(),
        // Behind a TLS proxy drbot itself speaks HTTP, but the browser sees https: the cookie is Secure then too.
        secureCookie: http.tls || config.web.publicUrl?.startsWith('https://') === true,
        secrets: secretsFromEnv(config.env),
        log,
      }),
    );
    const signIn = [runtime.web ? 'links (/incident web)' : undefined, config.web.trustedHeader ? `proxy header ${config.web.trustedHeader}` : undefined].filter(Boolean).join(' and ');
    log.info({ signIn }, 'web view on /web');
    const url = config.web.publicUrl;
    if (!http.tls && url && !/^(https:|http:\/\/(localhost|127\.0\.0\.1)([:/]|$))/.test(url)) {
      log.warn({ publicUrl: config.web.publicUrl }, 'the web view is served over plain HTTP to other machines: session cookies cross the network in clear (set tls.cert/tls.key or put a TLS proxy in front)');
    }
  }

  async stop(): Promise<void> {
    this.live?.close();
  }
}
