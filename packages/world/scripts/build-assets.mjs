#!/usr/bin/env node
/**
 * Rebuilds the prebuilt specialists shipped in assets/specialists/ (and, with --pretrain, the base
 * model in assets/base-model/ first), bit for bit: training is deterministic for a seed, whatever the
 * thread count.
 *
 *   cd packages/world && npx tsup && (cd ../tinylm && npx tsup) && node scripts/build-assets.mjs [--pretrain]
 *
 * Options: --work DIR keeps the builds (default: a temporary folder); --skills arith,mc builds only
 * those specialists into DIR and stops (run one process per skill in parallel with the same --work,
 * then once without --skills: the finished builds are reused, as buildWorld caches steps).
 *
 * It builds the world with the default options of `buildWorld` (seed 0, one skill per folder) and
 * prebuilt copies turned off, copies the three specialists into assets/specialists/, and writes
 * assets/specialists/index.json:
 * each specialist's step digest (what `buildWorld` compares to reuse it), folder digest and SFT metrics,
 * and the digests of two small-scale probes (a short pretraining and a short SFT) that
 * src/assets.int.test.ts reruns to check that the engine still reproduces these recipes.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { buildWorld, digestFolder, pretrainBaseModel, runProbes, SHIPPED_ASSETS_FORMAT, SHIPPED_BASE_MODEL, SHIPPED_SPECIALISTS } from '../dist/index.js';

const { values } = parseArgs({ options: { pretrain: { type: 'boolean', default: false }, work: { type: 'string' }, skills: { type: 'string' } } });
const SKILLS = ['arith', 'mc', 'rc'];
const skills = values.skills ? values.skills.split(',') : SKILLS;
for (const s of skills) if (!SKILLS.includes(s)) throw new Error(`--skills: unknown skill ${s}`);
const started = Date.now();
const secs = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;

if (values.pretrain) {
  const report = await pretrainBaseModel(
    SHIPPED_BASE_MODEL,
    { seed: 0 },
    {
      onProgress: (p) => {
        if (p.step % 100 === 0 || p.step === p.totalSteps)
          process.stderr.write(`pretrain step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} (${secs()})\n`);
      },
    },
  );
  console.log(`pretrained the base model: ${report.steps} steps, loss ${report.initialLoss.toFixed(3)} -> ${report.finalLoss.toFixed(3)}, ${report.seconds} s`);
}

const work = values.work ? resolve(values.work) : await mkdtemp(join(tmpdir(), 'world-assets-'));
try {
  const options = { seed: 0, prebuilt: false };
  const built = {};
  for (const skill of skills) {
    const dir = join(work, skill);
    const world = await buildWorld(dir, { ...options, skills: [skill] }, { log: (l) => process.stderr.write(`${l} (${secs()})\n`) });
    const manifest = JSON.parse(await readFile(join(dir, 'world.json'), 'utf8'));
    built[skill] = { folder: world.specialists[skill], step: manifest.steps[`${skill}-specialist`] };
  }
  if (values.skills) {
    console.log(`built ${skills.join(', ')} in ${work} (${secs()}); run again without --skills to write the assets`);
    process.exit(0);
  }
  const specialists = {};
  await rm(SHIPPED_SPECIALISTS, { recursive: true, force: true });
  for (const [skill, { folder, step }] of Object.entries(built)) {
    const name = `${skill}-specialist`;
    await cp(folder, join(SHIPPED_SPECIALISTS, name), { recursive: true });
    specialists[name] = { stepDigest: step.digest, folderDigest: await digestFolder(folder), metrics: step.metrics };
  }
  const probes = await runProbes(SHIPPED_BASE_MODEL);
  const index = { format: SHIPPED_ASSETS_FORMAT, buildOptions: options, baseFolderDigest: await digestFolder(SHIPPED_BASE_MODEL), specialists, probes };
  writeFileAtomic(join(SHIPPED_SPECIALISTS, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  console.log(JSON.stringify(index, null, 2));
  console.log(`wrote ${fileURLToPath(new URL('../assets/specialists/', import.meta.url))} in ${secs()}`);
} finally {
  if (!values.work) await rm(work, { recursive: true, force: true });
}
