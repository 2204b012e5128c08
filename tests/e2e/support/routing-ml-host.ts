import { fileURLToPath } from 'node:url';
import { listProcesses, matchProcesses } from '../../../src/agent/proc-table.js';
import { UVICORN_BIN } from './start-uvicorn.js';

/** The fixture backend (a FastAPI app whose health check reads the Access file and the model), run by Debian's uvicorn. */
export const FIXTURE = fileURLToPath(new URL('../fixtures/routing-ml', import.meta.url));

/** Access bytes the fixture backend and the agent's format checks recognise. */
export const ACE = (rows: string): Buffer => Buffer.concat([Buffer.from([0, 1, 0, 0]), Buffer.from('Standard ACE DB\0'), Buffer.from(`rows of ${rows}`), Buffer.alloc(2048, 7)]);

/** GET /api/health of the fixture backend on `port`: its status code, 0 when nothing answers. */
export async function backendHealth(port: number): Promise<number> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** The uvicorn processes serving the fixture on `port` (never anyone else's). */
export async function uvicornsOn(port: number): Promise<number[]> {
  return matchProcesses(await listProcesses('/proc'), ['uvicorn', String(port)]).map((p) => p.pid);
}

/** kill -9 every uvicorn serving on `port` (its process group when it leads one: uvicorn's workers go too). */
export async function killUvicornsOn(port: number): Promise<void> {
  for (const pid of await uvicornsOn(port).catch(() => [])) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      process.kill(pid, 'SIGKILL');
    }
  }
}

/** The agent's `processes.uvicorn` and `restarts.backend` for the fixture backend on `port`: a restart runs uvicorn again, ready once `backend` answers. */
export function uvicornOnTheHost(port: number, log: string, env: Record<string, string> = {}) {
  const match = ['uvicorn', String(port)];
  return {
    processes: { uvicorn: { match } },
    restarts: {
      backend: {
        recipe: { command: UVICORN_BIN, args: ['backend.run_api:app', '--host', '127.0.0.1', '--port', String(port)], cwd: FIXTURE, env: { PYTHONDONTWRITEBYTECODE: '1', ...env } },
        log,
        match,
        readyTarget: 'backend',
      },
    },
  };
}
