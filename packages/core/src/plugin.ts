import { z } from 'zod';
import type { ActionTypeDefinition } from './action-type.js';
import type { Aggregator } from './aggregator.js';
import type { Evaluator, GenerationBackend } from './evaluator.js';
import type { Executor } from './executor.js';
import type { Observer } from './observer.js';
import type { Factory, Policy } from './policy.js';
import type { Runner } from './runner.js';
import type { ScorerDefinition } from './scorer.js';

/** The plugin API version this core implements. A plugin targeting another version is refused. */
export const CORE_API_VERSION = 1;

/** What a plugin registers its contributions with. */
export interface PluginRegistry {
  actionType(def: ActionTypeDefinition): void;
  runner(runner: Runner): void;
  policy<O>(factory: Factory<Policy, O>): void;
  executor<O>(factory: Factory<Executor, O>): void;
  evaluator<O>(factory: Factory<Evaluator, O>): void;
  aggregator<O>(factory: Factory<Aggregator, O>): void;
  generationBackend<O>(factory: Factory<GenerationBackend, O>): void;
  /** An observer of study and trial events (experiment trackers, logs); see observer.ts. */
  observer<O>(factory: Factory<Observer, O>): void;
  /** A scoring rule for evaluators that score generated replies (see scorer.ts; `defineScorer`). */
  scorer<O>(def: ScorerDefinition<O>): void;
}

export const ProvidesSchema = z
  .object({
    actionTypes: z.array(z.string()).default([]),
    runners: z.array(z.string()).default([]),
    policies: z.array(z.string()).default([]),
    executors: z.array(z.string()).default([]),
    evaluators: z.array(z.string()).default([]),
    aggregators: z.array(z.string()).default([]),
    generationBackends: z.array(z.string()).default([]),
    observers: z.array(z.string()).default([]),
    scorers: z.array(z.string()).default([]),
  })
  .strict();
export type Provides = z.infer<typeof ProvidesSchema>;

/** A plugin package's default export. */
export interface PluginManifest {
  name: string;
  version: string;
  /** The core plugin API version it targets (`CORE_API_VERSION` when it was built). */
  apiVersion: number;
  description?: string;
  provides: Partial<Provides>;
  register(registry: PluginRegistry): void | Promise<void>;
}

export const PluginManifestSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  apiVersion: z.number().int(),
  description: z.string().optional(),
  provides: ProvidesSchema.partial(),
  register: z.custom<PluginManifest['register']>((v) => typeof v === 'function', 'a function'),
});

/** Identity helper that gives plugin authors type checking: `export default definePlugin({...})`. */
export function definePlugin(manifest: PluginManifest): PluginManifest {
  return manifest;
}
