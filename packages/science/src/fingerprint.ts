import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assemble, buildRegistry, type Assembly, type JsonValue, type LoadedConfig, type Registry } from '@lamdagent/core';
import { DigestCache, valueDigest } from '@lamdagent/core/kit';

/**
 * What makes two configs the same world for a replay table: the initial objects (by content digest),
 * the bound actions (type, slot kinds, params, runner) and the tasks. Policy, seed, budget, executor
 * and cache do not count.
 */
export function fingerprintOf(a: Assembly, registry: Registry): string {
  return valueDigest({
    objects: a.objects.map((o) => [o.kind, o.digest]),
    actions: a.bindings.map((b) => [b.name, b.definition.type, b.kinds, b.params, b.runner, registry.runner(b.runner).version]),
    tasks: a.tasks.map((t) => [t.name, t.metric, t.inReward, t.alpha]),
  } as unknown as JsonValue);
}

/** Assemble a loaded config with file digests (in a throwaway digest cache) and fingerprint it. */
export async function configFingerprint(loaded: LoadedConfig): Promise<{ fingerprint: string; assembly: Assembly; registry: Registry }> {
  const { registry } = await buildRegistry(loaded);
  const tmp = mkdtempSync(path.join(tmpdir(), 'lamdagent-fp-'));
  try {
    const assembly = assemble(loaded, registry, { digests: new DigestCache(path.join(tmp, 'digests.json')) });
    return { fingerprint: fingerprintOf(assembly, registry), assembly, registry };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
