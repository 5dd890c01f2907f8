import type { StudyConfigParsed } from './config-schema.js';

/** The evaluator that reads a data folder (`@lamdagent/eval-suites`' `suite`, the default evaluator of tasks). */
export const DATA_DIR_EVALUATOR = 'suite';

/**
 * The config with a data folder for its tasks' evaluation files (`<dir>/<task>/validation.*`, `<dir>/<task>/test.*`):
 * the paper format's `eval_data` key and the CLI's `--data-dir` both set `evaluators.suite.dataDir`.
 * A relative `dir` resolves from the config file's folder, as every path in a config does.
 */
export function withDataDir<C extends Pick<StudyConfigParsed, 'evaluators'>>(config: C, dir: string): C {
  const current = config.evaluators[DATA_DIR_EVALUATOR] ?? {};
  return { ...config, evaluators: { ...config.evaluators, [DATA_DIR_EVALUATOR]: { ...current, dataDir: dir } } };
}
