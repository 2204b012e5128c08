import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { runCommand } from '../../src/agent/host-tools.js';
import { freePort } from '../e2e/support/free-port.js';
import { aRequest } from './a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

let host: AgentConfigBuilder;

afterEach(async () => {
  await host?.close();
});

function run(action: string, params: Record<string, string | number | boolean>, approvalId = `apr-${action}`) {
  return host.execute(aRequest(action, params, { approvalId, timeoutMs: 30_000 }));
}

const git = async (cwd: string, ...args: string[]) => (await runCommand('git', args, { cwd, env: { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } })).stdout.trim();

describe('recipes run as argument arrays', () => {
  it('git_checkout checks out the configured stable commit and reports the one it replaced', async () => {
    host = anAgentConfig().file('repo/app.py', 'v1\n');
    const repo = host.path('repo');
    await git(repo, 'init', '-q');
    await git(repo, 'add', '.');
    await git(repo, 'commit', '-qm', 'stable');
    const stable = await git(repo, 'rev-parse', 'HEAD');
    host.file('repo/app.py', 'v2 broken\n');
    await git(repo, 'commit', '-qam', 'broken');
    const broken = await git(repo, 'rev-parse', 'HEAD');
    host.with({ git: { cwd: 'repo', refs: { stable } } });

    const r = await run('git_checkout', { ref: 'stable' });
    expect(r.status).toBe('ok');
    expect(r.data).toEqual({ previous: broken, current: stable });
    expect(readFileSync(host.path('repo/app.py'), 'utf8')).toBe('v1\n');
    expect(await run('git_checkout', { ref: 'main' }, 'apr-2')).toMatchObject({ refused: 'not-allowed' });
  });

  it('compose_up_build passes build/up arguments to the compose recipe, never through a shell', async () => {
    host = anAgentConfig().file('compose.mjs', "import { appendFileSync } from 'node:fs'; appendFileSync(new URL('./calls.txt', import.meta.url), JSON.stringify(process.argv.slice(2)) + '\\n');");
    host.with({ docker: { services: ['predictor'] }, compose: { command: process.execPath, args: [host.path('compose.mjs'), '-f', 'docker-compose.yml'] } });
    const r = await run('compose_up_build', { service: 'predictor', no_cache: true });
    expect(r.status).toBe('ok');
    const calls = readFileSync(host.path('calls.txt'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);
    expect(calls).toEqual([
      ['-f', 'docker-compose.yml', 'build', '--no-cache', 'predictor'],
      ['-f', 'docker-compose.yml', 'up', '-d', 'predictor'],
    ]);
    expect(await run('compose_up_build', { service: 'postgres' }, 'apr-x')).toMatchObject({ refused: 'not-allowed' });
  });

  it('kill_port_owner stops the process listening on a configured port', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await once(child.stdout!, 'data');
    const exited = once(child, 'exit');
    host = anAgentConfig().with({ ports: [8000], portMap: { 8000: port } });
    const r = await run('kill_port_owner', { port: 8000 });
    expect(r).toMatchObject({ status: 'ok', summary: expect.stringContaining(`stopped pid ${child.pid}`) });
    await exited;
    expect(await run('port_listening', { port: 8000 })).toMatchObject({ status: 'fail' });
  });
});
