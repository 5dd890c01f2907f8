import { assemble, type Assembly } from './assemble.js';
import type { LoadedConfig } from './config-load.js';
import { paperPath } from './config-load.js';
import { StudyConfigSchema } from './config-schema.js';
import { ConfigError, UsageError, type ConfigIssue } from './errors.js';
import { ObjectPool } from './pool.js';
import type { Registry } from './registry.js';
import { ActionSpace } from './space.js';

/**
 * Everything `validate` and the start of `run` can know before the first trial: the config against
 * the plugins (assemble: slots, objects, evaluator options, policy options and keys), and that at least
 * one action is possible. Throws one ConfigError with every problem; writes nothing.
 */
export function preflightStudy(loaded: LoadedConfig, registry: Registry, env: Readonly<Record<string, string | undefined>>): Assembly {
  const a = assemble(loaded, registry, { skipDigests: true, env });
  const space = new ActionSpace(new ObjectPool(a.objects), a.bindings, () => '0');
  if (space.count() === 0) {
    const issues: ConfigIssue[] = a.bindings.map((b) => ({
      path: `actions.${b.name}`,
      message: `no possible action: its slots (${b.kinds.join(', ')}) need more distinct objects than the lists hold`,
    }));
    throw new ConfigError(loaded.file, loaded.format === 'paper' ? issues.map((i) => ({ ...i, path: paperPath(i.path) })) : issues);
  }
  return a;
}

/** Command-line flags of the config fields they override, for errors about overrides. */
const FLAGS: Record<string, string> = { 'budget.iterations': '--iterations', seed: '--seed', concurrency: '--concurrency', policy: '--policy' };

/** A config after overrides, checked by the same schema as the file; an override out of range is a usage error naming its flag. */
export function checkOverridden(config: unknown, overridden: readonly string[]): void {
  const res = StudyConfigSchema.safeParse(config);
  if (res.success) return;
  const lines = res.error.issues.map((i) => {
    const p = i.path.map(String).join('.');
    const flag = overridden.includes(p) ? FLAGS[p] : undefined;
    return flag ? `${flag}: ${i.message}` : `${p}: ${i.message}`;
  });
  throw new UsageError(`invalid override: ${lines.join('; ')}`);
}
