import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { once } from 'node:events';

/** Debian's uvicorn; the `python3` first on PATH (pyenv) has neither uvicorn nor fastapi. */
export const UVICORN_BIN = '/usr/bin/uvicorn';

export interface StartUvicornOptions {
  port: number;
  /** Folder holding the `backend` package, e.g. tests/e2e/fixtures/routing-ml. */
  cwd: string;
  /** uvicorn's stdout and stderr are appended here. */
  logFile: string;
  /** ASGI app, default `backend.run_api:app`. */
  app?: string;
  /** How long to wait for GET /api/health to answer 200, default 20 s. */
  timeoutMs?: number;
  /** Extra environment (the fixture reads DRBOT_E2E_ACCESS_DB and DRBOT_E2E_MODEL). */
  env?: Record<string, string>;
}

export interface UvicornHandle {
  pid: number;
  port: number;
  /** SIGTERM to uvicorn's process group, SIGKILL after 5 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Spawns the real uvicorn detached (own process group) and resolves once /api/health answers 200. */
export async function startUvicorn(options: StartUvicornOptions): Promise<UvicornHandle> {
  const { port, cwd, logFile, app = 'backend.run_api:app', timeoutMs = 20_000, env: extra = {} } = options;
  if (!existsSync(UVICORN_BIN)) throw new Error(`${UVICORN_BIN} is missing: run scripts/install-e2e-deps.sh`);
  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, ...extra, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' };
    delete env.PYTHONHOME;
    delete env.PYTHONPATH;
    child = spawn(UVICORN_BIN, [app, '--host', '127.0.0.1', '--port', String(port)], {
      cwd,
      env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
  } finally {
    closeSync(logFd);
  }
  child.unref();
  const spawnError = once(child, 'spawn').then(
    () => undefined,
    (err: Error) => err,
  );
  const exited = () => child.exitCode !== null || child.signalCode !== null;

  const stop = async (): Promise<void> => {
    if (exited() || child.pid === undefined) return;
    const gone = once(child, 'exit');
    killGroup(child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, 'SIGKILL'), 5_000);
    try {
      await gone;
    } finally {
      clearTimeout(timer);
    }
  };

  const fail = async (why: string): Promise<never> => {
    await stop().catch(() => undefined);
    throw new Error(`uvicorn (${app}, port ${port}, cwd ${cwd}) ${why}; last lines of ${logFile}:\n${tail(logFile, 30)}`);
  };

  const err = await spawnError;
  if (err) return fail(`could not be spawned: ${err.message}`);
  const deadline = Date.now() + timeoutMs;
  const url = `http://127.0.0.1:${port}/api/health`;
  for (;;) {
    if (exited()) return fail(`exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) return fail(`did not answer 200 on ${url} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid as number, port, stop };
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(unreadable: ${(e as Error).message})`;
  }
}
