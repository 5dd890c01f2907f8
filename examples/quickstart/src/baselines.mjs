// The paper's baselines on the embedded world: the specialists, Fully Fine-Tuned (SFT on all data from
// the base) and TIES (Grid Search) over the three specialists' weights. Cached in world/baselines/.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { mergeCheckpoints } from '@lamdagent/action-ties';
import { SftExampleSchema } from '@lamdagent/action-sft';
import { readJsonl, writeFileAtomic } from '@lamdagent/core/kit';
import { sft, TinyLM } from '@lamdagent/tinylm';

// Two weights per specialist (8 weightings): with 1,000 validation items per task, each weighting costs
// a full evaluation, and the 27 of a 3-point grid would take a third of the quickstart's time.
const GRID = [0.5, 1.0];

/** Returns [{ name, path }] of every baseline model, training/merging what is not cached. */
export async function computeBaselines(world, evaluator, log) {
  const dir = path.join(world.root, 'baselines');
  mkdirSync(dir, { recursive: true });
  const manifestFile = path.join(dir, 'baselines.json');
  const manifest = existsSync(manifestFile) ? JSON.parse(readFileSync(manifestFile, 'utf8')) : {};
  if (manifest.world !== world.digest) for (const k of Object.keys(manifest)) delete manifest[k];
  manifest.world = world.digest;
  const save = () => writeFileAtomic(manifestFile, JSON.stringify(manifest, null, 2), { durable: false });

  const rows = [{ name: 'Base model', path: world.baseModel }];
  for (const [skill, p] of Object.entries(world.specialists)) rows.push({ name: `${skill}-specialist`, path: p });

  // TIES (Grid Search): weights of the three specialists on a grid, density 0.5; best mean validation reward.
  const tiesDir = path.join(dir, 'ties-grid');
  if (!manifest.ties || !existsSync(tiesDir)) {
    const specialists = Object.values(world.specialists);
    let best;
    const tmp = path.join(dir, '.ties-candidate');
    const started = Date.now();
    for (const a of GRID)
      for (const b of GRID)
        for (const c of GRID) {
          rmSync(tmp, { recursive: true, force: true });
          await mergeCheckpoints({ merge: { method: 'ties', weights: [a, b, c], density: 0.5 }, base: world.baseModel, models: specialists, outputDir: tmp });
          const s = await evaluator.scores(tmp, 'validation');
          const reward = (s.arith + s.mc + s.rc) / 3;
          if (!best || reward > best.reward) {
            best = { weights: [a, b, c], reward };
            rmSync(tiesDir, { recursive: true, force: true });
            await mergeCheckpoints({
              merge: { method: 'ties', weights: [a, b, c], density: 0.5 },
              base: world.baseModel,
              models: specialists,
              outputDir: tiesDir,
            });
          }
        }
    rmSync(tmp, { recursive: true, force: true });
    manifest.ties = best;
    save();
    log(
      `baselines: TIES grid search over ${GRID.length ** 3} weightings: best ${JSON.stringify(best.weights)} (validation reward ${best.reward.toFixed(3)}) in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }
  rows.push({ name: `TIES (Grid Search ${manifest.ties.weights.join('/')})`, path: tiesDir });

  // Fully Fine-Tuned: SFT from the base on all training data, with the specialists' settings.
  const fftDir = path.join(dir, 'fully-fine-tuned');
  if (!manifest.fft || !existsSync(fftDir)) {
    const started = Date.now();
    const model = await TinyLM.load(world.baseModel);
    try {
      const m = await sft(model, readJsonl(world.data.sft.all, SftExampleSchema), { learningRate: 3e-3, epochs: 3, batchSize: 32, seed: 7 });
      rmSync(fftDir, { recursive: true, force: true });
      await model.save(fftDir);
      manifest.fft = { steps: m.steps, finalLoss: m.finalLoss };
      save();
      log(`baselines: Fully Fine-Tuned (SFT on all ${m.examples} examples, 3 epochs) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    } finally {
      model.dispose();
    }
  }
  rows.push({ name: 'Fully Fine-Tuned', path: fftDir });
  return rows;
}
