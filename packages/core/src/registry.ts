import type { ActionTypeDefinition } from './action-type.js';
import type { Aggregator } from './aggregator.js';
import { LamdagentError, PluginError } from './errors.js';
import type { Evaluator, GenerationBackend } from './evaluator.js';
import type { Executor } from './executor.js';
import type { Observer } from './observer.js';
import type { PluginRegistry } from './plugin.js';
import type { Factory, Policy } from './policy.js';
import type { Runner } from './runner.js';

export type ContributionKind = 'actionType' | 'runner' | 'policy' | 'executor' | 'evaluator' | 'aggregator' | 'generationBackend' | 'observer';

export interface Contribution {
  kind: ContributionKind;
  name: string;
  plugin: string;
  description?: string;
}

/** What each contribution kind holds. */
interface Contributed {
  actionType: ActionTypeDefinition;
  runner: Runner;
  policy: Factory<Policy, unknown>;
  executor: Factory<Executor, unknown>;
  evaluator: Factory<Evaluator, unknown>;
  aggregator: Factory<Aggregator, unknown>;
  generationBackend: Factory<GenerationBackend, unknown>;
  observer: Factory<Observer, unknown>;
}

/**
 * Everything plugins contributed, by kind and name: a plain typed map, the one list of what is
 * available. One registry per study (or per CLI command). A study's services are resolved from it
 * once (see `StudyServices`); there is no container.
 */
export class Registry {
  readonly #entries: Contribution[] = [];
  readonly #values = new Map<string, unknown>();
  readonly #aliases = new Map<string, string>();

  /** A registry view that records which plugin contributed what. */
  forPlugin(plugin: string): PluginRegistry {
    const add = <K extends ContributionKind>(kind: K, name: string, value: Contributed[K], description?: string): void => {
      const clash = this.has(kind, name) && this.#entries.find((e) => e.kind === kind && e.name === name);
      if (clash) throw new PluginError(plugin, `${kind} "${name}" is already provided by ${clash.plugin}`);
      this.#values.set(`${kind}:${name}`, value);
      this.#entries.push({ kind, name, plugin, ...(description ? { description } : {}) });
    };
    return {
      actionType: (def: ActionTypeDefinition) => {
        add('actionType', def.type, def, def.description);
        for (const a of def.aliases ?? []) this.#aliases.set(a, def.type);
      },
      runner: (r: Runner) => add('runner', r.name, r),
      policy: (f) => add('policy', f.name, f, f.description),
      executor: (f) => add('executor', f.name, f, f.description),
      evaluator: (f) => add('evaluator', f.name, f, f.description),
      aggregator: (f) => add('aggregator', f.name, f, f.description),
      generationBackend: (f) => add('generationBackend', f.name, f, f.description),
      observer: (f) => add('observer', f.name, f, f.description),
    };
  }

  entries(): readonly Contribution[] {
    return this.#entries;
  }

  names(kind: ContributionKind): string[] {
    return this.#entries.filter((e) => e.kind === kind).map((e) => e.name);
  }

  has(kind: ContributionKind, name: string): boolean {
    return this.#values.has(`${kind}:${name}`);
  }

  #get<K extends ContributionKind>(kind: K, name: string): Contributed[K] {
    if (!this.has(kind, name)) {
      const known = this.names(kind);
      throw new LamdagentError(
        `no ${kind} named "${name}" (known: ${known.length ? known.join(', ') : 'none'}); is its plugin listed in plugins: or installed?`,
        2,
      );
    }
    return this.#values.get(`${kind}:${name}`) as Contributed[K];
  }

  /** An action type by name or alias. */
  actionType(name: string): ActionTypeDefinition {
    return this.#get('actionType', this.#aliases.get(name) ?? name);
  }

  hasActionType(name: string): boolean {
    return this.has('actionType', this.#aliases.get(name) ?? name);
  }

  runner(name: string): Runner {
    return this.#get('runner', name);
  }

  policyFactory(name: string): Factory<Policy, unknown> {
    return this.#get('policy', name);
  }

  executorFactory(name: string): Factory<Executor, unknown> {
    return this.#get('executor', name);
  }

  evaluatorFactory(name: string): Factory<Evaluator, unknown> {
    return this.#get('evaluator', name);
  }

  aggregatorFactory(name: string): Factory<Aggregator, unknown> {
    return this.#get('aggregator', name);
  }

  generationBackendFactory(name: string): Factory<GenerationBackend, unknown> {
    return this.#get('generationBackend', name);
  }

  observerFactory(name: string): Factory<Observer, unknown> {
    return this.#get('observer', name);
  }
}
