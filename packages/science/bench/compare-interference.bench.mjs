// `npm run bench` (compare-interference): random, random-type and surrogate on the interference variant of
// the embedded world (examples/quickstart/study-interference.yaml), replayed from the shipped table
// tables/interference-world.json (built from live 30-iteration studies on one shared cache by
// `CONFIG=study-interference.yaml WORLD='{"seed":0,"interference":{}}' scripts/build-table.sh`), 10 seeds
// × 30 iterations, against the config's baselines (tables/interference-world.baselines.json, written by
// `lamdagent baselines study-interference.yaml --seeds 3 --fft-epochs 20`): the seeds whose top-1 beats
// Fully Fine-Tuned on the test split. Options: --seeds N (10) --policies a,b,c.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { replayCompare } from './replay-compare.mjs';
import { buildWorld } from '@lamdagent/world';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '10' }, policies: { type: 'string', default: 'random,random-type,surrogate' } } });
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..', '..');
const config = path.join(root, 'examples', 'quickstart', 'study-interference.yaml');
const table = path.join(here, '..', 'tables', 'interference-world.json');
const baselines = path.join(here, '..', 'tables', 'interference-world.baselines.json');
const seeds = Number(values.seeds);

const t = Date.now();
const w = await buildWorld(path.join(root, 'examples', 'quickstart', 'world'), { seed: 0, interference: {} }, { log: (l) => console.error(l) });
console.log(`embedded world (interference data): ${w.built.length ? `built ${w.built.join(', ')}` : 'reused'} in ${((Date.now() - t) / 1000).toFixed(1)} s`);

await replayCompare({ name: 'interference', config, table, baselines, seeds, policies: values.policies, root });
