import { constants } from 'node:fs';
import { copyFile, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { allowed, defineAction, fillArgs } from '../agent-action.js';
import { refuseSymlink } from '../confined-path.js';

/** `set_read_only_mode`: sets the configured YAML key, keeping the file's comments; the previous file is kept aside. */
export const setReadOnlyMode = defineAction({
  name: 'set_read_only_mode',
  params: z.object({ enabled: z.boolean() }).strict(),
  timeoutMs: 15_000,
  async run({ enabled }, ctx) {
    const spec = ctx.config.readOnlyMode;
    if (!spec) return { status: 'fail', summary: 'readOnlyMode is not configured on this agent', output: '' };
    const seen = await refuseSymlink(spec.file, 'the settings file');
    if (!seen?.isFile()) return { status: 'fail', summary: `${spec.file} is ${seen ? 'not a regular file' : 'missing'}; left unchanged`, output: '' };
    const text = await readFile(spec.file, { encoding: 'utf8', signal: ctx.signal });
    const doc = parseDocument(text);
    if (doc.errors.length) return { status: 'fail', summary: `${spec.file} is not valid YAML (${doc.errors[0]!.message}); left unchanged`, output: '' };
    const before = doc.getIn(spec.key);
    doc.setIn(spec.key, enabled);
    const stamp = new Date(ctx.tools.now()).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const aside = `${spec.file}.before-${stamp}`;
    const staging = join(dirname(spec.file), `.${basename(spec.file)}.writing-${stamp}`);
    // exclusive: a link planted at either name fails the change instead of redirecting the write
    await copyFile(spec.file, aside, constants.COPYFILE_EXCL);
    let staged = false;
    try {
      await writeFile(staging, doc.toString(), { encoding: 'utf8', flag: 'wx', mode: seen.mode & 0o777, signal: ctx.signal });
      staged = true;
      ctx.signal.throwIfAborted();
    } catch (err) {
      if (staged || (err as NodeJS.ErrnoException).code !== 'EEXIST') await rm(staging, { force: true });
      if (ctx.signal.aborted) return { status: 'fail', summary: `read-only mode: cut short (${(ctx.signal.reason as Error).message}) before ${spec.file} was changed; it is unchanged`, output: '' };
      throw err;
    }
    ctx.changing(`check ${spec.key.join('.')} in ${spec.file} (it should now be ${enabled}); the previous file is kept at ${aside}`);
    await rename(staging, spec.file);
    return { status: 'ok', summary: `read-only mode ${enabled ? 'on' : 'off'} (${spec.key.join('.')}: ${String(before)} → ${enabled}); previous file kept at ${aside}`, output: doc.toString() };
  },
});

/** `git_checkout`: checks out a commit the config names; the commit it replaces is recorded in the result. */
export const gitCheckout = defineAction({
  name: 'git_checkout',
  params: z.object({ ref: z.string() }).strict(),
  timeoutMs: 120_000,
  async run({ ref }, ctx) {
    const git = ctx.config.git;
    if (!git) return { status: 'fail', summary: 'git is not configured on this agent', output: '' };
    const hash = allowed(git.refs, ref, 'ref');
    const head = await ctx.tools.run(git.command, ['rev-parse', 'HEAD'], { cwd: git.cwd, signal: ctx.signal });
    if (head.failed) return { status: 'fail', summary: `cannot read the current commit in ${git.cwd}: ${head.stderr.trim()}`, output: head.stderr };
    const previous = head.stdout.trim();
    ctx.signal.throwIfAborted();
    ctx.changing(`check git rev-parse HEAD in ${git.cwd}: it was ${previous.slice(0, 12)}, the checkout asked for ${hash.slice(0, 12)}; git status shows a half-switched work tree`);
    const r = await ctx.tools.run(git.command, ['checkout', '--detach', hash], { cwd: git.cwd, signal: ctx.signal });
    ctx.signal.throwIfAborted();
    return r.failed
      ? { status: 'fail', summary: `checkout ${hash} failed (exit ${r.exitCode}); still at ${previous.slice(0, 12)}`, output: r.stdout + r.stderr }
      : { status: 'ok', summary: `checked out ${ref} ${hash.slice(0, 12)}; previous commit ${previous.slice(0, 12)} (check it out again to undo)`, output: r.stdout + r.stderr, data: { previous, current: hash } };
  },
});

/** `retrain_model`: runs the configured training recipe, streaming its output lines as progress. */
export const retrainModel = defineAction({
  name: 'retrain_model',
  params: z.object({ dataset: z.string(), name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
  timeoutMs: 4 * 3600_000,
  async run({ dataset, name }, ctx) {
    const retrain = ctx.config.retrain;
    if (!retrain) return { status: 'fail', summary: 'retrain is not configured on this agent', output: '' };
    const path = allowed(retrain.datasets, dataset, 'dataset');
    ctx.changing(`the training of ${name} was stopped before it finished: do not use a model named ${name} it may have left half written; run the retrain again`);
    const r = await ctx.tools.run(retrain.recipe.command, fillArgs(retrain.recipe.args, { dataset: path, name }), {
      cwd: retrain.recipe.cwd,
      env: retrain.recipe.env,
      passEnv: retrain.recipe.passEnv,
      signal: ctx.signal,
      onLine: (line) => ctx.progress(line),
    });
    ctx.signal.throwIfAborted();
    return r.failed ? { status: 'fail', summary: `retrain ${name} failed (exit ${r.exitCode})`, output: r.stdout + r.stderr } : { status: 'ok', summary: `retrain ${name} finished`, output: r.stdout };
  },
});
