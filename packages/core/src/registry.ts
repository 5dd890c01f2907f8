import type { ActionTypeDefinition } from './action-type.js';
import type { Aggregator } from './aggregator.js';
import { LamdagentError, PluginError } from './errors.js';
import type { Evaluator, GenerationBackend } from './evaluator.js';
import type { Executor } from './executor.js';
import type { Observer } from './observer.js';
import type { PluginRegistry } from './plugin.js';
import type { Factory, Policy } from './policy.js';
import type { Runner } from './runner.js';
import type { ScorerCatalog, ScorerDefinition } from './scorer.js';

export type ContributionKind = 'actionType' | 'runner' | 'policy' | 'executor' | 'evaluator' | 'aggregator' | 'generationBackend' | 'observer' | 'scorer';

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
  scorer: ScorerDefinition;
}

/**
 * Everything plugins contributed, by kind and name: a plain typed map, the one list of what is
 * available. One registry per study (or per CLI command). A study's services are resolved from it
 * once (see `StudyServices`); there is no container.
 *
 * Two plugins may contribute the same name. Each contribution is also known by its qualified name
 * `<plugin>:<name>` (e.g. `my-plugin:linear`); a plain name provided by two plugins is an error only
 * where it is looked up, and the error names the qualified names to choose from.
 */
export class Registry {
  readonly #entries: Contribution[] = [];
  readonly #values = new Map<string, unknown>();
  /** kind:alias → qualified action type names. */
  readonly #aliases = new Map<string, string[]>();
  /** The plugin that registered each action type definition. */
  readonly #typeOwner = new WeakMap<ActionTypeDefinition, string>();

  /** A registry view that records which plugin contributed what. */
  forPlugin(plugin: string): PluginRegistry {
    const add = <K extends ContributionKind>(kind: K, name: string, value: Contributed[K], description?: string): void => {
      if (this.#values.has(`${kind}\0${plugin}:${name}`)) throw new PluginError(plugin, `${kind} "${name}" is already provided by ${plugin}`);
      this.#values.set(`${kind}\0${plugin}:${name}`, value);
      this.#entries.push({ kind, name, plugin, ...(description ? { description } : {}) });
    };
    return {
      actionType: (def: ActionTypeDefinition) => {
        add('actionType', def.type, def, def.description);
        this.#typeOwner.set(def, plugin);
        for (const a of def.aliases ?? []) this.#aliases.set(a, [...(this.#aliases.get(a) ?? []), `${plugin}:${def.type}`]);
      },
      runner: (r: Runner) => add('runner', r.name, r),
      policy: (f) => add('policy', f.name, f, f.description),
      executor: (f) => add('executor', f.name, f, f.description),
      evaluator: (f) => add('evaluator', f.name, f, f.description),
      aggregator: (f) => add('aggregator', f.name, f, f.description),
      generationBackend: (f) => add('generationBackend', f.name, f, f.description),
      observer: (f) => add('observer', f.name, f, f.description),
      scorer: (d) => add('scorer', d.name, d as ScorerDefinition, d.description),
    };
  }

  entries(): readonly Contribution[] {
    return this.#entries;
  }

  /** Names of one kind; a name two plugins provide appears by its qualified names. */
  names(kind: ContributionKind): string[] {
    const of = this.#entries.filter((e) => e.kind === kind);
    return of.map((e) => (of.filter((x) => x.name === e.name).length > 1 ? `${e.plugin}:${e.name}` : e.name));
  }

  /** Qualified names (`plugin:name`) a plain or qualified name refers to. */
  #matches(kind: ContributionKind, name: string): string[] {
    if (this.#values.has(`${kind}\0${name}`)) return [name];
    return this.#entries.filter((e) => e.kind === kind && e.name === name).map((e) => `${e.plugin}:${e.name}`);
  }

  /** Whether a name (plain or qualified) is provided; an ambiguous plain name counts (using it is the error). */
  has(kind: ContributionKind, name: string): boolean {
    return this.#matches(kind, name).length > 0;
  }

  /** Why `name` cannot be used (unknown, or provided by several plugins), or undefined when it can. */
  problem(kind: ContributionKind, name: string): string | undefined {
    const m = this.#matches(kind, name);
    if (m.length === 1) return undefined;
    if (m.length > 1) return `${kind} "${name}" is provided by ${m.length} plugins: use one of ${m.map((q) => `"${q}"`).join(', ')}`;
    const known = this.names(kind);
    return `no ${kind} named "${name}" (known: ${known.length ? known.join(', ') : 'none'}); is its plugin listed in plugins: or installed?`;
  }

  #get<K extends ContributionKind>(kind: K, name: string): Contributed[K] {
    const why = this.problem(kind, name);
    if (why) throw new LamdagentError(why, 2);
    return this.#values.get(`${kind}\0${this.#matches(kind, name)[0]!}`) as Contributed[K];
  }

  #actionTypeName(name: string): string {
    if (this.has('actionType', name)) return name;
    const a = this.#aliases.get(name);
    if (a?.length === 1) return a[0]!;
    if (a && a.length > 1)
      throw new LamdagentError(`action type alias "${name}" is provided by ${a.length} plugins: use one of ${a.map((q) => `"${q}"`).join(', ')}`, 2);
    return name;
  }

  /** An action type by name, alias or qualified name. */
  actionType(name: string): ActionTypeDefinition {
    return this.#get('actionType', this.#actionTypeName(name));
  }

  /**
   * The runner an action type runs by default: its `runner`, or, when two plugins provide a runner of
   * that name, the qualified name of the one from the action type's own plugin.
   */
  defaultRunner(def: ActionTypeDefinition): string {
    const own = this.#typeOwner.get(def);
    if (this.#matches('runner', def.runner).length > 1 && own && this.#values.has(`runner\0${own}:${def.runner}`)) return `${own}:${def.runner}`;
    return def.runner;
  }

  hasActionType(name: string): boolean {
    return this.has('actionType', name) || (this.#aliases.get(name)?.length ?? 0) > 0;
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

  scorer(name: string): ScorerDefinition {
    return this.#get('scorer', name);
  }

  /** The registered scorers as evaluators see them (`FactoryContext.scorers`). */
  scorerCatalog(): ScorerCatalog {
    return { get: (name) => this.scorer(name), problem: (name) => this.problem('scorer', name), names: () => this.names('scorer') };
  }
}
