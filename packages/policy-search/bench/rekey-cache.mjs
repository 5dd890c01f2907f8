// The models behind a tabular benchmark, as a shared action cache for a config in another folder (another
// checkout): a cache key is cacheKey(actionKey, evaluation digest) and the evaluation digest covers the
// config's folder (and the evaluator options of the code that ran it), so a study elsewhere misses every
// entry of the cache the table's studies used. This writes a new cache holding, for each action of the
// table, the old cache's entry of that action key whose scores are the table's: the model hard-linked
// (read-only, as studies use it), entry.json rewritten with the new key. So a live study on it gets every
// action the table holds in milliseconds, with the table's scores and a real model to build on, and runs
// the others for real (what `--table --fill` cannot do for an action whose input model the table
// answered: no model on disk). The old cache and the table are only read.
// Usage: node packages/policy-search/bench/rekey-cache.mjs --table T.json --cache OLD_CACHE --config NEW.yaml -o NEW_CACHE
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cacheKey, loadConfig } from '@lamdagent/core';
import { valueDigest } from '@lamdagent/core/kit';
import { configFingerprint, readTable } from '@lamdagent/science';

const { values } = parseArgs({
  options: { table: { type: 'string' }, cache: { type: 'string' }, config: { type: 'string' }, out: { type: 'string', short: 'o' } },
});
const fail = (message) => {
  console.error(`rekey-cache: ${message}`);
  process.exit(2);
};
for (const k of ['table', 'cache', 'config', 'out']) if (!values[k]) fail(`--${k} is required`);
if (existsSync(values.out)) fail(`${values.out}: exists; choose another -o`);
// The evaluation digest of core's trial-shared-cache.ts.
const evalDigest = async (file) => {
  const { assembly: a } = await configFingerprint(loadConfig(file));
  return valueDigest({ dir: a.loaded.dir, tasks: a.tasks, evaluators: a.evaluators });
};
const table = readTable(path.resolve(values.table));
const to = await evalDigest(values.config);
const root = path.join(values.cache, 'entries');
const same = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
const byAction = new Map();
for (const d of readdirSync(root)) {
  const entry = JSON.parse(readFileSync(path.join(root, d, 'entry.json'), 'utf8'));
  const want = table.entries[entry.action.key];
  if (want && same(entry.scores, want.validation) && !byAction.has(entry.action.key)) byAction.set(entry.action.key, { dir: path.join(root, d), entry });
}
const missing = Object.keys(table.entries).filter((k) => !byAction.has(k));
if (missing.length)
  console.error(
    `rekey-cache: ${missing.length} of ${Object.keys(table.entries).length} actions of the table have no entry with its scores in ${values.cache} (they will run for real)`,
  );
const entries = [...byAction.values()];
for (const d of ['entries', 'locks', 'tmp']) mkdirSync(path.join(values.out, d), { recursive: true });
for (const { dir, entry } of entries) {
  const key = cacheKey(entry.action.key, to);
  const dest = path.join(values.out, 'entries', key);
  mkdirSync(dest);
  if (existsSync(path.join(dir, 'model'))) execFileSync('cp', ['-al', path.join(dir, 'model'), path.join(dest, 'model')]);
  writeFileSync(path.join(dest, 'entry.json'), JSON.stringify({ ...entry, key }, null, 2));
}
console.log(
  `${values.out}: ${entries.length} entries of ${values.cache} (the table's actions) rekeyed for ${values.config} (evaluation digest ${to.slice(0, 12)})`,
);
