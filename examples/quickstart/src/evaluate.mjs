// Score models on the world's six tasks (in- and out-of-distribution) on a split, with the same
// evaluator the study uses (eval-suites' `suite`), caching results by model content digest.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, buildRegistry, loadConfig } from '@lamdagent/core';
import { DigestCache, writeFileAtomic } from '@lamdagent/core/kit';
import { WORLD_TASKS } from '@lamdagent/world';

/** The six world tasks as TaskSpecs (in-distribution ones count toward the reward). */
export function worldTasks(worldDir) {
  return Object.values(WORLD_TASKS).map((t) => ({
    name: t.name,
    evaluator: 'suite',
    metric: 'acc',
    max: 1,
    alpha: 1,
    inReward: !t.ood,
    options: {
      scorer: t.scorer,
      maxNewTokens: t.maxNewTokens,
      data: { validation: path.join(worldDir, 'data', 'eval', t.name, 'validation.jsonl'), test: path.join(worldDir, 'data', 'eval', t.name, 'test.jsonl') },
    },
  }));
}

export async function createEvaluator(configPath, worldDir) {
  const loaded = loadConfig(configPath);
  const { registry } = await buildRegistry(loaded);
  const a = assemble(loaded, registry, { skipDigests: true });
  const evaluator = await registry.evaluatorFactory('suite').create({}, a.factoryContext);
  const tasks = worldTasks(worldDir);
  const cacheFile = path.join(worldDir, 'eval-cache.json');
  const cache = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  const digests = new DigestCache(path.join(worldDir, 'digests.json'));
  const outDir = path.join(worldDir, 'eval-items');
  mkdirSync(outDir, { recursive: true });
  return {
    tasks,
    /** Scores of one model folder for a split: { task: score }, every world task on test, the in-distribution ones on validation. */
    async scores(modelPath, split) {
      const digest = digests.pathDigest(modelPath);
      const key = `${digest}:${split}`;
      if (!cache[key]) {
        const model = { id: digest.slice(0, 12), kind: 'models', type: 'model', name: path.basename(modelPath), value: modelPath, digest };
        const out = {};
        // Validation scores serve the reward and the table's validation average: in-distribution tasks only.
        for (const task of split === 'validation' ? tasks.filter((t) => t.inReward) : tasks) {
          const r = await evaluator.evaluate(model, task, {
            signal: new AbortController().signal,
            split,
            outDir: path.join(outDir, digest.slice(0, 12)),
            seed: 0,
            log: () => {},
          });
          out[task.name] = r.score;
        }
        cache[key] = out;
        digests.save();
        writeFileAtomic(cacheFile, JSON.stringify(cache, null, 1), { durable: false });
      }
      return cache[key];
    },
  };
}
