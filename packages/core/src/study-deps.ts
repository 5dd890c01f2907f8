import type { ActionCache } from './action-cache.js';
import type { Assembly } from './assemble.js';
import type { ObjectPool } from './pool.js';
import type { Registry } from './registry.js';
import type { ActionSpace } from './space.js';
import type { StudyEvent, StudyServices } from './study-services.js';

/** What a `Study` is built from (`createStudy`/`loadStudy` assemble it from a config and a folder). */
export interface StudyDeps {
  dir: string;
  assembly: Assembly;
  registry: Registry;
  pool: ObjectPool;
  space: ActionSpace;
  services: StudyServices;
  /** Plugin entry files a job in another process loads. */
  pluginEntries: string[];
  onEvent?: (e: StudyEvent) => void;
  signal: AbortSignal;
  /** Shared action cache (config `cache:`): an action any study ran is reused, not run again. */
  cache?: ActionCache;
  /** Releases what the study holds (lock, journal, executor); called by `close()`. */
  close?: () => Promise<void>;
}
