/** PATH for children when the agent itself has none (a bare systemd unit). */
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The whole environment of a command the agent starts: PATH, the variables the recipe names in
 * `passEnv` (taken from the agent's environment), then the recipe's own `env`. Nothing else is
 * inherited, so the agent's token and whatever else its environment holds never reach a child.
 */
export function childEnv(env: Readonly<Record<string, string>> = {}, passEnv: readonly string[] = [], from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = { PATH: from.PATH ?? DEFAULT_PATH };
  for (const name of passEnv) {
    const value = from[name];
    if (value !== undefined) out[name] = value;
  }
  return { ...out, ...env };
}
