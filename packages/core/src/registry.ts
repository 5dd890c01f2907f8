import { Container } from 'inversify';
import type { ActionTypeDefinition } from './action-type.js';
import type { Aggregator } from './aggregator.js';
import { LamdagentError, PluginError } from './errors.js';
import type { Evaluator, GenerationBackend } from './evaluator.js';
import type { Executor } from './executor.js';
import type { PluginRegistry } from './plugin.js';
import type { Factory, Policy } from './policy.js';
import type { Runner } from './runner.js';
import { TOKENS } from './tokens.js';

export type ContributionKind = 'actionType' | 'runner' | 'policy' | 'executor' | 'evaluator' | 'aggregator' | 'generationBackend';

const TOKEN_OF: Record<ContributionKind, symbol> = {
  actionType: TOKENS.ActionType,
  runner: TOKENS.Runner,
  policy: TOKENS.PolicyFactory,
  executor: TOKENS.ExecutorFactory,
  evaluator: TOKENS.EvaluatorFactory,
  aggregator: TOKENS.AggregatorFactory,
  generationBackend: TOKENS.GenerationBackendFactory,
};

export interface Contribution {
  kind: ContributionKind;
  name: string;
  plugin: string;
  description?: string;
}

/**
 * Everything plugins contributed, bound in an inversify container under `Symbol.for` tokens and
 * named bindings. One registry per study (or per CLI command).
 */
export class Registry {
  readonly container: Container;
  readonly #entries: Contribution[] = [];
  readonly #aliases = new Map<string, string>();

  constructor(container = new Container()) {
    this.container = container;
    this.container.bind(TOKENS.Registry).toConstantValue(this);
  }

  /** A registry view that records which plugin contributed what. */
  forPlugin(plugin: string): PluginRegistry {
    const add = <T>(kind: ContributionKind, name: string, value: T, description?: string): void => {
      const clash = this.#entries.find((e) => e.kind === kind && e.name === name);
      if (clash) throw new PluginError(plugin, `${kind} "${name}" is already provided by ${clash.plugin}`);
      this.container.bind<T>(TOKEN_OF[kind]).toConstantValue(value).whenNamed(name);
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
    };
  }

  entries(): readonly Contribution[] {
    return this.#entries;
  }

  names(kind: ContributionKind): string[] {
    return this.#entries.filter((e) => e.kind === kind).map((e) => e.name);
  }

  has(kind: ContributionKind, name: string): boolean {
    return this.#entries.some((e) => e.kind === kind && e.name === name);
  }

  #get<T>(kind: ContributionKind, name: string): T {
    if (!this.has(kind, name)) {
      const known = this.names(kind);
      throw new LamdagentError(`no ${kind} named "${name}" (known: ${known.length ? known.join(', ') : 'none'}); is its plugin listed in plugins: or installed?`, 2);
    }
    return this.container.get<T>(TOKEN_OF[kind], { name });
  }

  /** An action type by name or alias. */
  actionType(name: string): ActionTypeDefinition {
    return this.#get<ActionTypeDefinition>('actionType', this.#aliases.get(name) ?? name);
  }

  hasActionType(name: string): boolean {
    return this.has('actionType', this.#aliases.get(name) ?? name);
  }

  runner(name: string): Runner {
    return this.#get<Runner>('runner', name);
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
}
