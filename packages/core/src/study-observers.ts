import path from 'node:path';
import type { Assembly } from './assemble.js';
import type { JsonValue } from './json.js';
import { DEFAULT_OBSERVER_RETRY, type Observer, type ObserverContext } from './observer.js';
import { ObserverHub } from './observer-hub.js';
import type { ObjectPool } from './pool.js';
import type { Registry } from './registry.js';
import type { StudyServices } from './study-services.js';

/**
 * The study's observers: those its config turns on (`observers:`, created by their plugins' factories)
 * and those a caller passes (`runStudy({ observers })`), behind one hub whose failures are journaled
 * (`observer-failure`) and logged, never thrown.
 */
export async function openObservers(
  dir: string,
  assembly: Assembly,
  registry: Registry,
  pool: ObjectPool,
  services: Pick<StudyServices, 'store' | 'logger' | 'clock'>,
  given: readonly Observer[] = [],
  /** Also told about each failure (the CLI prints it). */
  onNotice?: (message: string) => void,
): Promise<ObserverHub> {
  const made: Observer[] = [];
  const retries = new Map<string, typeof DEFAULT_OBSERVER_RETRY>();
  for (const use of assembly.observers) {
    const observer = await registry.observerFactory(use.name).create(use.options, assembly.factoryContext);
    made.push(observer);
    retries.set(observer.name, { ...DEFAULT_OBSERVER_RETRY, ...Object.fromEntries(Object.entries(use.retry ?? {}).filter(([, v]) => v !== undefined)) });
  }
  const config = assembly.loaded.config;
  const ctx: ObserverContext = {
    dir,
    studyName: config.name ?? path.basename(dir),
    seed: config.seed,
    config: config as unknown as JsonValue,
    object: (id) => pool.get(id),
  };
  return new ObserverHub([...made, ...given], ctx, {
    retry: (name) => retries.get(name) ?? DEFAULT_OBSERVER_RETRY,
    onFailure: (f) => {
      services.store.append({ kind: 'observer-failure', at: services.clock.now(), ...f });
      const message = `observer ${f.observer}: ${f.event}${f.index !== undefined ? ` of trial ${f.index}` : ''} failed after ${f.attempts} attempts (journaled; the study goes on): ${f.error}`;
      services.logger.warn(message);
      onNotice?.(message);
    },
  });
}
