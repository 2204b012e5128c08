import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../errors/drbot-error.js';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True when a URL's host is this machine: `localhost`, 127.0.0.0/8 or ::1 (also IPv4-mapped). */
export function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === 'localhost.') return true;
  const family = isIP(host);
  return family !== 0 && LOOPBACK.check(host, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * Refuses a plain `ws://` link to drbot on another machine: the agent's token would cross the
 * network in clear. `wss://` and loopback are always fine; `allowInsecure` (the CLI's
 * `--insecure-transport`) accepts the risk on purpose.
 */
export function checkAgentTransport(url: string, allowInsecure: boolean): void {
  if (new URL(url).protocol !== 'ws:' || allowInsecure || isLoopbackUrl(url)) return;
  throw new ConfigError(
    `refusing ${url}: plain ws:// to another machine would send the agent token (and every request and result) in clear`,
    'use a wss:// URL (drbot serves TLS with tls.cert/tls.key, or sits behind a TLS proxy; drbot.ca in agent.yaml trusts a private CA), or start the agent with --insecure-transport to accept the risk on a network you trust',
  );
}
