import { sft, TinyLM } from '@lamdagent/tinylm';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '@lamdagent/core/kit';
import { SPECIALIST_SFT_DEFAULTS } from './build.js';
import { DEFAULT_EVAL_SIZE } from './data.js';
import { pretrainBaseModel } from './pretrain.js';
import { completionFor } from './skills/index.js';
import { drawSplits } from './splits.js';

/** Small-scale reruns of the shipped recipes, by name: what each runs, and the sha256 of its weights. */
export type ProbeDigests = Record<string, { description: string; weightsDigest: string }>;

const PROBE_PRETRAIN_DOCUMENTS = 48;
const PROBE_SFT_EXAMPLES = 32;

async function weightsDigest(model: TinyLM, dir: string): Promise<string> {
  await model.save(dir);
  return sha256(await readFile(join(dir, 'model.safetensors')));
}

/**
 * Reruns the shipped recipes at small scale (a few seconds): the base model's pretraining on its first
 * documents, and the mc specialist's SFT (its settings, one epoch) from `baseModel` on the first
 * examples of the seed-0 train split. Same engine and recipe, same digests: `scripts/build-assets.mjs`
 * records them and a test compares.
 */
export async function runProbes(baseModel: string): Promise<ProbeDigests> {
  const work = await mkdtemp(join(tmpdir(), 'world-probe-'));
  try {
    const pre = await pretrainBaseModel(join(work, 'pretrain'), { seed: 0, documents: PROBE_PRETRAIN_DOCUMENTS });
    const preDigest = sha256(await readFile(join(work, 'pretrain', 'model.safetensors')));
    const train = drawSplits('mc', 0, { trainSize: PROBE_SFT_EXAMPLES, valSize: DEFAULT_EVAL_SIZE, testSize: DEFAULT_EVAL_SIZE }).train ?? [];
    const model = await TinyLM.load(baseModel);
    let sftDigest: string;
    try {
      await sft(
        model,
        train.map((i) => ({ prompt: i.prompt, completion: completionFor('mc', i.answer) })),
        { ...SPECIALIST_SFT_DEFAULTS, epochs: 1, seed: 1 },
      );
      sftDigest = await weightsDigest(model, join(work, 'sft'));
    } finally {
      model.dispose();
    }
    return {
      pretrain: {
        description: `pretrainBaseModel seed 0 on the first ${PROBE_PRETRAIN_DOCUMENTS} corpus documents (${pre.steps} steps), default sizes`,
        weightsDigest: preDigest,
      },
      sft: {
        description: `SFT of the shipped base on the first ${PROBE_SFT_EXAMPLES} mc train examples (seed 0), the specialists' settings, 1 epoch, seed 1`,
        weightsDigest: sftDigest,
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
