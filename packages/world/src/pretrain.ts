import { sft, TinyLM, type TrainProgress } from '@lamdagent/tinylm';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { pretrainCorpus } from './corpus.js';
import { valueDigest, writeFolderAtomic } from '@lamdagent/core/kit';

/** How the shipped base model is pretrained (defaults are the settings of the shipped weights). */
export const PretrainOptionsSchema = z
  .object({
    seed: z.number().int().min(0).default(0),
    /** Corpus documents (each a few world sentences, at most 110 characters). */
    documents: z.number().int().min(1).default(72_000),
    epochs: z.number().positive().default(1),
    learningRate: z.number().positive().default(5e-3),
    batchSize: z.number().int().min(1).default(16),
    warmup: z.number().min(0).default(0.02),
    nEmbd: z.number().int().min(8).default(64),
    nLayer: z.number().int().min(1).default(4),
    nHead: z.number().int().min(1).default(4),
    nPositions: z.number().int().min(16).default(128),
  })
  .strict();
export type PretrainOptions = z.input<typeof PretrainOptionsSchema>;

export interface PretrainReport {
  options: z.output<typeof PretrainOptionsSchema>;
  corpusDigest: string;
  parameters: number;
  steps: number;
  initialLoss: number;
  finalLoss: number;
  seconds: number;
}

export interface PretrainHooks {
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

/**
 * Pretrains a tiny GPT-2 from scratch on the world's narrative corpus (`pretrainCorpus`): next-token
 * loss on whole documents. Writes the model folder (Hugging Face layout) atomically to `outDir`, with
 * `pretrain.json` recording the options, the corpus digest and the losses (not the time: the folder's
 * bytes depend only on the options).
 */
export async function pretrainBaseModel(outDir: string, options: PretrainOptions = {}, hooks: PretrainHooks = {}): Promise<PretrainReport> {
  const parsed = PretrainOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`pretrainBaseModel options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  const corpus = pretrainCorpus(o.seed, o.documents);
  const model = await TinyLM.init({ nEmbd: o.nEmbd, nLayer: o.nLayer, nHead: o.nHead, nPositions: o.nPositions }, o.seed);
  try {
    const m = await sft(
      model,
      corpus.map((completion) => ({ prompt: '', completion })),
      {
        learningRate: o.learningRate,
        epochs: o.epochs,
        batchSize: o.batchSize,
        warmup: o.warmup,
        seed: o.seed,
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      },
    );
    const report: PretrainReport = {
      options: o,
      corpusDigest: valueDigest(corpus),
      parameters: model.parameterCount,
      steps: m.steps,
      initialLoss: m.initialLoss,
      finalLoss: m.finalLoss,
      seconds: Math.round(m.seconds * 10) / 10,
    };
    await writeFolderAtomic(outDir, async (tmp) => {
      await model.save(tmp);
      // Everything but the wall time, so that a rebuild writes the same bytes.
      const { seconds: _seconds, ...recorded } = report;
      await writeFile(join(tmp, 'pretrain.json'), JSON.stringify(recorded, null, 2) + '\n');
    });
    return report;
  } finally {
    model.dispose();
  }
}
