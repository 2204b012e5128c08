import { ConfigError } from '../errors/drbot-error.js';
import type { DrbotModule } from './drbot-module.js';

/**
 * The order modules start in: every module after what it `needs` and what it starts `after`,
 * otherwise in the order given. A missing needed module, a name used twice or a cycle is an error
 * that names the modules.
 */
export function startOrder<M extends Pick<DrbotModule, 'name' | 'needs' | 'after'>>(modules: readonly M[]): M[] {
  const byName = new Map<string, M>();
  for (const m of modules) {
    if (byName.has(m.name)) throw new ConfigError(`two modules are named "${m.name}"`);
    byName.set(m.name, m);
  }
  for (const m of modules) {
    for (const need of m.needs ?? []) {
      if (!byName.has(need)) throw new ConfigError(`module "${m.name}" needs "${need}", which is not running`);
    }
  }
  const ordered: M[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: M, path: string[]) => {
    const seen = state.get(m.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new ConfigError(`modules depend on each other in a circle: ${[...path, m.name].join(' → ')}`);
    state.set(m.name, 'visiting');
    for (const dep of [...(m.needs ?? []), ...(m.after ?? [])]) {
      const d = byName.get(dep);
      if (d) visit(d, [...path, m.name]);
    }
    state.set(m.name, 'done');
    ordered.push(m);
  };
  for (const m of modules) visit(m, []);
  return ordered;
}
