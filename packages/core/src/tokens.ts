/**
 * Dependency-injection tokens. `Symbol.for` so that two copies of core in one process still agree.
 * Every injection names its token explicitly (`@inject(TOKENS.X)`).
 */
export const TOKENS = {
  ActionType: Symbol.for('lamdagent.actionType'),
  Runner: Symbol.for('lamdagent.runner'),
  PolicyFactory: Symbol.for('lamdagent.policyFactory'),
  ExecutorFactory: Symbol.for('lamdagent.executorFactory'),
  EvaluatorFactory: Symbol.for('lamdagent.evaluatorFactory'),
  AggregatorFactory: Symbol.for('lamdagent.aggregatorFactory'),
  GenerationBackendFactory: Symbol.for('lamdagent.generationBackendFactory'),
  Registry: Symbol.for('lamdagent.registry'),
  Config: Symbol.for('lamdagent.config'),
  Logger: Symbol.for('lamdagent.logger'),
} as const;
