// Scores model folders on the tools world's two tasks with the study's own evaluator (eval-suites'
// `suite`: the toolcall scorer and the rule-based judge), cached by model content digest.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, buildRegistry, loadConfig } from '@lamdagent/core';
import { DigestCache, writeFileAtomic } from '@lamdagent/core/kit';

export async function createEvaluator(configPath, worldDir) {
  const loaded = loadConfig(configPath);
  const { registry } = await buildRegistry(loaded);
  const a = assemble(loaded, registry, { skipDigests: true });
  const evaluator = await registry.evaluatorFactory('suite').create({}, a.factoryContext);
  const tasks = a.tasks;
  const cacheFile = path.join(worldDir, 'eval-cache.json');
  const cache = existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  const digests = new DigestCache(path.join(worldDir, 'digests.json'));
  const outDir = path.join(worldDir, 'eval-items');
  mkdirSync(outDir, { recursive: true });
  return {
    tasks,
    /** { tool_call, instruct, reward } of one model folder on a split (reward = tool_call + instruct / 10). */
    async scores(modelPath, split) {
      const digest = digests.pathDigest(modelPath);
      const key = `${digest}:${split}`;
      if (!cache[key]) {
        const model = { id: digest.slice(0, 12), kind: 'models', type: 'model', name: path.basename(modelPath), value: modelPath, digest };
        const out = {};
        for (const task of tasks) {
          const r = await evaluator.evaluate(model, task, {
            signal: new AbortController().signal,
            split,
            outDir: path.join(outDir, digest.slice(0, 12)),
            seed: 0,
            log: () => {},
          });
          out[task.name] = r.score;
        }
        out.reward = tasks.reduce((s, t) => s + t.alpha * out[t.name], 0);
        cache[key] = out;
        digests.save();
        writeFileAtomic(cacheFile, JSON.stringify(cache, null, 1), { durable: false });
      }
      return cache[key];
    },
  };
}
