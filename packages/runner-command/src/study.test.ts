import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { TOY_PLUGIN_MODULE, writeToyModel } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TRAIN = path.join(PACKAGE_DIR, 'test-fixtures', 'train.mjs');

describe("a study whose sft actions run a user's command", () => {
  it('trains through `runner: command` in lamdagent-runner subprocesses, with metrics from metrics.json', async () => {
    if (!existsSync(path.join(PACKAGE_DIR, 'dist', 'index.js')))
      throw new Error(`${PACKAGE_DIR}/dist is missing: the study loads this plugin as a package (npm run build)`);
    const dir = mkdtempSync(path.join(tmpdir(), 'cmd-study-'));
    writeToyModel(path.join(dir, 'models', 'base'), [0, 0, 0]);
    mkdirSync(path.join(dir, 'data'));
    writeFileSync(path.join(dir, 'data', 'a.json'), JSON.stringify({ target: [1, 0, 0] }));
    writeFileSync(path.join(dir, 'data', 'b.json'), JSON.stringify({ target: [0, 1, 0] }));
    const command = [
      process.execPath,
      TRAIN,
      '--model',
      '{input.model}',
      '--data',
      '{input.dataset}',
      '--lr',
      '{input.learning_rate}',
      '--out',
      '{outputDir}',
      '--seed',
      '{seed}',
    ];
    writeFileSync(
      path.join(dir, 'study.yaml'),
      `seed: 1
budget: { iterations: 3 }
policy: random-type
plugins: [${JSON.stringify(TOY_PLUGIN_MODULE)}, ${JSON.stringify(PACKAGE_DIR)}]
discoverPlugins: false
executor: subprocess
objects:
  models: [models/base]
  datasets: [data/a.json, data/b.json]
  lr: [0.5]
actions:
  sft:
    type: toy-sft
    slots: [models, datasets, lr]
    runner: command
    runnerParams: { command: { argv: ${JSON.stringify(command)}, expectFiles: [config.json] } }
tasks:
  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }
`,
    );
    const res = await runStudy({ configPath: path.join(dir, 'study.yaml'), outDir: path.join(dir, 'out') });
    expect(res.trials).toHaveLength(3);
    const done = res.trials.filter((t) => t.state === 'complete');
    expect(done.length).toBeGreaterThan(0);
    for (const t of done) {
      expect(t.metrics).toMatchObject({ loss: 0.25, steps: 4 });
      expect(existsSync(path.join(t.produced!.path, 'config.json'))).toBe(true);
      const log = readFileSync(path.join(dir, 'out', 'jobs', `t${String(t.index).padStart(4, '0')}`, 'command.log'), 'utf8');
      expect(log).toContain('train.mjs: argv');
    }
    expect(res.top[0]!.reward).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
