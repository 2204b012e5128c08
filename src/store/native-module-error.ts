import { StoreUnavailableError } from '../errors/drbot-error.js';

/** Node.js majors by NODE_MODULE_VERSION (the native-module ABI), for the lines `engines` allows. */
const NODE_BY_ABI: Readonly<Record<string, string>> = { '115': '20', '127': '22', '137': '24', '147': '26' };

/**
 * The error to throw when `err` says better-sqlite3's compiled addon cannot be loaded by this Node —
 * built for another Node's ABI (after switching Node without `npm rebuild`) or never built — and
 * undefined for any other error, which is then about the database file itself.
 */
export function nativeModuleError(err: unknown): StoreUnavailableError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  const notBuilt = message.includes('Could not locate the bindings file');
  if (code !== 'ERR_DLOPEN_FAILED' && !notBuilt) return undefined;
  const builtFor = /compiled against a different Node\.js version using\s+NODE_MODULE_VERSION (\d+)/.exec(message)?.[1];
  const what = notBuilt
    ? 'was never built (its install script did not run)'
    : builtFor
      ? `was built for ${NODE_BY_ABI[builtFor] ? `Node ${NODE_BY_ABI[builtFor]}` : 'another Node.js'} (NODE_MODULE_VERSION ${builtFor})`
      : `does not load (${message.split('\n')[0]})`;
  return new StoreUnavailableError(
    `SQLite's native module, better-sqlite3, ${what}; this is Node ${process.version} (NODE_MODULE_VERSION ${process.versions.modules})`,
    err,
    `in drbot's directory run npm rebuild better-sqlite3 with the Node that runs drbot (${process.execPath}); the database file was not touched`,
  );
}
