#!/usr/bin/env node
// Bundles drbot-agent (src/agent/cli.ts and everything it imports: ws, pino, yaml, zod, execa,
// dockerode) into ONE ES module file that runs on any supported Node with nothing installed beside
// it — no npm install, no node_modules, no compiler on the server. The agent needs no native module
// (better-sqlite3 is drbot's, not the agent's), so the file does not depend on the Node ABI.
// usage: node scripts/bundle-agent.mjs [out file]   (default dist/drbot-agent.mjs)
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = resolve(process.argv[2] ?? join(root, 'dist/drbot-agent.mjs'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// the lowest Node the engines field allows: the bundle keeps to its syntax
const target = `node${/\d+\.\d+/.exec(pkg.engines.node)[0]}`;

const result = await build({
  entryPoints: [join(root, 'src/agent/cli.ts')],
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target,
  // CommonJS dependencies (dockerode, ws, pino) call require() for Node's built-ins and ssh2 (under
  // dockerode) reads __dirname; an ES module has neither, so the bundle defines them (esbuild keeps
  // the entry's #! line above this banner)
  banner: {
    js: [
      "import { createRequire as __drbotCreateRequire } from 'node:module';",
      "import { fileURLToPath as __drbotFileURLToPath } from 'node:url';",
      'const require = __drbotCreateRequire(import.meta.url);',
      'const __filename = __drbotFileURLToPath(import.meta.url);',
      "const __dirname = __drbotFileURLToPath(new URL('.', import.meta.url));",
    ].join('\n'),
  },
  // optional native speed-ups that ws and ssh2 try inside try/catch and do without
  external: ['bufferutil', 'utf-8-validate', 'cpu-features', '*.node'],
  legalComments: 'eof',
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0].bytes;
process.stdout.write(`${out} (${(bytes / 1024 / 1024).toFixed(1)} MB, ${target})\n`);
