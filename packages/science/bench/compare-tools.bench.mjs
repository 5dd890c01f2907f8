// `npm run bench` (compare-tools): surrogate, random, random-type and greedy on the learnable variant of the
// tools world (the paper's Experiment-2 analogue: examples/tool-use/study-learnable.yaml), replayed from the
// shipped table tables/tools-learnable.json (12 live 30-iteration studies, these four policies x seeds
// 0-2, on one shared action cache; `lamdagent bench export ... --test-top 3`), 3 seeds x 30 iterations,
// against the config's baselines (tables/tools-learnable.baselines.json, written by
// `lamdagent baselines study-learnable.yaml --seeds 3 --match-study <surrogate study>`: Fully Fine-Tuned at
// 1 epoch and compute-matched). Options: --seeds N (3; seeds beyond the table's miss) --policies a,b,c.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { replayCompare } from './replay-compare.mjs';
import { buildToolsWorld } from '@lamdagent/world';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '3' }, policies: { type: 'string', default: 'random,random-type,greedy,surrogate' } },
});
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const config = path.join(root, 'examples', 'tool-use', 'study-learnable.yaml');
const table = path.join(here, '..', 'tables', 'tools-learnable.json');
const baselines = path.join(here, '..', 'tables', 'tools-learnable.baselines.json');
const seeds = Number(values.seeds);

const t = Date.now();
const w = await buildToolsWorld(
  path.join(root, 'examples', 'tool-use', 'world', 'learnable'),
  { seed: 0, toolJsonListing: 'two', toolMix: true, toolMixWording: 'target' },
  { log: (l) => console.error(l) },
);
console.log(`tools world (learnable variant): ${w.built.length ? `built ${w.built.join(', ')}` : 'reused'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);

await replayCompare({ name: 'tools', config, table, baselines, seeds, policies: values.policies, root });
