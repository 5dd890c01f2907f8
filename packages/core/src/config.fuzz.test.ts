import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfig, parseConfigText, stripJsonComments } from './config-load.js';
import { LamdagentError } from './errors.js';
import { fuzzRuns, reportFuzz } from './kit/fuzz-report.js';

const RUNS = fuzzRuns();

/** Only our errors (ConfigError: file, path, expectation) come out of the loader. */
function loadsOrRefuses(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!LamdagentError.isInstance(e)) throw e;
  }
}

const key = fc.constantFrom(
  'seed',
  'budget',
  'policy',
  'objects',
  'actions',
  'tasks',
  'evaluators',
  'aggregation',
  'executor',
  'concurrency',
  'plugins',
  'topK',
  'cache',
);
const paperKey = fc.constantFrom('seed', 'total_timesteps', 'controller', 'controller_model', 'objects', 'action_types', 'eval_tasks', 'score_aggregation');
const native = fc.dictionary(key, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
const paper = fc.dictionary(paperKey, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 });
const text = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.jsonValue().map((v) => JSON.stringify(v, null, 1)),
  paper.map((v) => `// a comment\n${JSON.stringify(v, null, 2)}`),
  fc
    .array(fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '//', '/*', '*/', '\n', '- ', 'seed: 1', '&a', '*a', '!!js/function', '<<: *a'), {
      maxLength: 30,
    })
    .map((p) => p.join('')),
);

describe('config loader (fast-check)', () => {
  it('regression (found by fuzzing): an alias without its anchor is a ConfigError, not a ReferenceError', () => {
    expect(() => parseConfigText('/tmp/fuzz/study.yaml', '<<: *a')).toThrow(
      '/tmp/fuzz/study.yaml: invalid config\n  - (root): Unresolved alias (the anchor must be set before the alias): a',
    );
  });

  it('native and paper-format values: a config or a ConfigError, never another exception', () => {
    reportFuzz('core parseConfig (native + paper)', RUNS, () =>
      fc.assert(
        fc.property(fc.oneof(native, paper, fc.jsonValue()), (raw) => loadsOrRefuses(() => parseConfig(raw, '/tmp/fuzz/study.yaml'))),
        { numRuns: RUNS },
      ),
    );
  });

  it('arbitrary text (YAML, JSON, JSON with comments): parsed or a ConfigError naming a line', () => {
    reportFuzz('core parseConfigText + stripJsonComments', RUNS, () =>
      fc.assert(
        fc.property(text, (t) => {
          loadsOrRefuses(() => parseConfig(parseConfigText('/tmp/fuzz/study.json', stripJsonComments(t)), '/tmp/fuzz/study.json'));
          loadsOrRefuses(() => parseConfigText('/tmp/fuzz/study.yaml', t));
        }),
        { numRuns: RUNS },
      ),
    );
  });
});
