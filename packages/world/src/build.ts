import { sft, TinyLM, type SftMetrics, type SftOptions } from '@lamdagent/tinylm';
import { cp, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_EVAL_SIZE, generateWorldData, readWorldManifest, WORLD_DATA_FORMAT, type WorldDataManifest } from './data.js';
import {
  generateInterferenceData,
  INTERFERENCE_FORMAT,
  InterferenceOptionsSchema,
  readInterferenceManifest,
  type InterferenceManifest,
} from './interference.js';
import {
  generateLowFidelityData,
  LOW_FIDELITY_FORMAT,
  LOW_FIDELITY_MANIFEST,
  LowFidelityOptionsSchema,
  readLowFidelityManifest,
  type LowFidelityManifest,
} from './low-fidelity.js';
import { lightSpecialistSeed, MERGEABLE_FORMAT, MergeableOptionsSchema, primerExamples, primerSeed, type MergeableModels } from './mergeable.js';
import { digestFolder, valueDigest, writeFileAtomic, writeFolderAtomic } from '@lamdagent/core/kit';
import { readShippedIndex, SHIPPED_SPECIALISTS } from './assets.js';
import { SKILL_NAMES } from './skills/index.js';
import type { SkillName, SftExample } from './types.js';

/** Bumped whenever the generators change what they produce for a seed (invalidates cached data). */
export const WORLD_GENERATOR_VERSION = 1;

/** The shipped base model (pretrained by `scripts/pretrain.mjs`), in the Hugging Face layout. */
export const SHIPPED_BASE_MODEL = fileURLToPath(new URL('../assets/base-model/', import.meta.url));

const SkillSchema = z.enum(['arith', 'mc', 'rc']);

/** SFT settings of the specialists (those of the shipped prebuilt ones). */
export const SPECIALIST_SFT_DEFAULTS = { learningRate: 2e-3, epochs: 16, batchSize: 8, warmup: 0 } as const;

export const SpecialistSftSchema = z
  .object({
    learningRate: z.number().positive().default(SPECIALIST_SFT_DEFAULTS.learningRate),
    epochs: z.number().positive().default(SPECIALIST_SFT_DEFAULTS.epochs),
    batchSize: z.number().int().min(1).default(SPECIALIST_SFT_DEFAULTS.batchSize),
    warmup: z.number().min(0).default(SPECIALIST_SFT_DEFAULTS.warmup),
  })
  .strict();

export const BuildWorldOptionsSchema = z
  .object({
    seed: z.number().int().min(0),
    trainSize: z.number().int().min(1).default(1000),
    valSize: z.number().int().min(1).default(DEFAULT_EVAL_SIZE),
    testSize: z.number().int().min(1).default(DEFAULT_EVAL_SIZE),
    /** Base model folder to start from (default: the shipped one). */
    baseModel: z.string().min(1).optional(),
    /** Which specialists to train (default: all three). */
    skills: z.array(SkillSchema).min(1).default(['arith', 'mc', 'rc']),
    /** SFT settings of the specialists. */
    sft: SpecialistSftSchema.default(SPECIALIST_SFT_DEFAULTS),
    /**
     * Copy a shipped prebuilt specialist (`assets/specialists/`) when its recorded input digest equals
     * the step's (default true); false trains every specialist.
     */
    prebuilt: z.boolean().default(true),
    /**
     * Also write the interference SFT sets (`interference/`, issue 14's third edition): off by default;
     * the world's other files, and so its digests and specialists, are the same either way.
     */
    interference: InterferenceOptionsSchema.optional(),
    /**
     * Also write low-fidelity variants of the SFT sets (`data/sft/arith.0.25x.jsonl` beside
     * `arith.jsonl`, for multi-fidelity search): off by default; the world's digest and other files are
     * the same either way.
     */
    lowFidelity: LowFidelityOptionsSchema.optional(),
    /**
     * Also train the mergeable specialists (`mergeable/models/`: a primer and one light specialist per
     * skill from it; issue 14): off by default; the world's digest and other files are the same either way.
     */
    mergeable: MergeableOptionsSchema.optional(),
  })
  .strict();
export type BuildWorldOptions = z.input<typeof BuildWorldOptionsSchema>;
export type ResolvedBuildWorldOptions = z.output<typeof BuildWorldOptionsSchema>;

export const WORLD_BUILD_FORMAT = 'lamdagent-world/1';

const StepRecord = z.object({ digest: z.string(), metrics: z.record(z.string(), z.number()).optional() });
const BuildManifestSchema = z.object({
  format: z.literal(WORLD_BUILD_FORMAT),
  digest: z.string(),
  steps: z.record(z.string(), StepRecord),
});
type BuildManifest = z.infer<typeof BuildManifestSchema>;

/** What `buildWorld` produced. Paths are absolute. */
export interface WorldBuild {
  root: string;
  /** Digest of the resolved options (and the base model's content). */
  digest: string;
  data: WorldDataManifest;
  baseModel: string;
  specialists: Partial<Record<SkillName, string>>;
  /** Steps done by this call, and steps reused from an earlier call with the same inputs. */
  built: string[];
  reused: string[];
  /** SFT metrics of each specialist (from the call that trained it). */
  metrics: Partial<Record<SkillName, Record<string, number>>>;
  /** The interference SFT sets, when asked for (absolute paths). */
  interference?: InterferenceManifest;
  /** The low-fidelity SFT variants, when asked for (absolute paths). */
  lowFidelity?: LowFidelityManifest;
  /** The mergeable primer and light specialists, when asked for (absolute paths). */
  mergeable?: MergeableModels;
}

export interface BuildWorldHooks {
  log?: (line: string) => void;
  signal?: AbortSignal;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function readBuildManifest(file: string): Promise<BuildManifest | undefined> {
  try {
    const parsed = BuildManifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function writeJsonAtomically(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

async function readSft(file: string): Promise<SftExample[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as SftExample);
}

function metricsRecord(m: SftMetrics): Record<string, number> {
  return {
    steps: m.steps,
    examples: m.examples,
    initialLoss: m.initialLoss,
    finalLoss: m.finalLoss,
    seconds: Math.round(m.seconds * 10) / 10,
  };
}

/**
 * Builds the embedded world in `dir`: the data (`data/`), a copy of the base model (`models/base/`)
 * and one specialist per skill, SFT from the base on that skill's train split
 * (`models/<skill>-specialist/`). Each step is recorded in `dir/world.json` with a digest of its
 * inputs; a later call with the same options reuses every step whose digest matches and whose
 * folder exists, and redoes the others. Every folder is written atomically.
 */
export async function buildWorld(dir: string, options: BuildWorldOptions, hooks: BuildWorldHooks = {}): Promise<WorldBuild> {
  const parsed = BuildWorldOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`buildWorld options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const o = parsed.data;
  const log = hooks.log ?? (() => undefined);
  const root = resolve(dir);
  const manifestFile = join(root, 'world.json');
  const sourceBase = resolve(o.baseModel ?? SHIPPED_BASE_MODEL);
  if (!(await exists(join(sourceBase, 'config.json')))) {
    throw new Error(`buildWorld: no base model at ${sourceBase} (config.json missing)`);
  }
  const baseDigest = await digestFolder(sourceBase);
  const dataDigest = valueDigest({
    format: WORLD_DATA_FORMAT,
    generator: WORLD_GENERATOR_VERSION,
    seed: o.seed,
    trainSize: o.trainSize,
    valSize: o.valSize,
    testSize: o.testSize,
  });
  const digest = valueDigest({ data: dataDigest, base: baseDigest, skills: [...o.skills].sort(), sft: o.sft });

  const previous = await readBuildManifest(manifestFile);
  const manifest: BuildManifest = { format: WORLD_BUILD_FORMAT, digest, steps: {} };
  const built: string[] = [];
  const reused: string[] = [];
  const metrics: WorldBuild['metrics'] = {};

  async function step(name: string, stepDigest: string, folder: string, run: () => Promise<Record<string, number> | void>): Promise<void> {
    hooks.signal?.throwIfAborted();
    const before = previous?.steps[name];
    if (before?.digest === stepDigest && (await exists(folder))) {
      manifest.steps[name] = before;
      reused.push(name);
      log(`world: ${name} reused`);
      return;
    }
    log(`world: building ${name}`);
    const m = await run();
    manifest.steps[name] = { digest: stepDigest, ...(m ? { metrics: m } : {}) };
    built.push(name);
    writeJsonAtomically(manifestFile, { ...manifest, steps: { ...previous?.steps, ...manifest.steps } });
  }

  const dataDir = join(root, 'data');
  await step('data', dataDigest, dataDir, async () => {
    await generateWorldData(dataDir, { seed: o.seed, trainSize: o.trainSize, valSize: o.valSize, testSize: o.testSize });
  });
  const data = await readWorldManifest(dataDir);
  let interference: InterferenceManifest | undefined;
  if (o.interference) {
    const opts = o.interference;
    const folder = join(root, 'interference');
    const sizes = { seed: o.seed, trainSize: o.trainSize, valSize: o.valSize, testSize: o.testSize };
    await step('interference', valueDigest({ data: dataDigest, format: INTERFERENCE_FORMAT, interference: opts }), folder, async () => {
      await generateInterferenceData(folder, sizes, opts);
    });
    interference = await readInterferenceManifest(folder);
  }
  let lowFidelity: LowFidelityManifest | undefined;
  if (o.lowFidelity) {
    const opts = o.lowFidelity;
    // Its own step, in the data folder (beside the full sets); a rebuilt data folder loses the manifest, so it reruns.
    const stepDigest = valueDigest({ data: dataDigest, format: LOW_FIDELITY_FORMAT, lowFidelity: opts });
    await step('low-fidelity', stepDigest, join(dataDir, LOW_FIDELITY_MANIFEST), async () => {
      await generateLowFidelityData(dataDir, opts);
    });
    lowFidelity = await readLowFidelityManifest(dataDir);
  }

  const baseDir = join(root, 'models', 'base');
  await step('base', baseDigest, baseDir, async () => {
    await writeFolderAtomic(baseDir, (tmp) => cp(sourceBase, tmp, { recursive: true }));
  });

  /** SFT of the model in `from` on `examples`, saved atomically to `folder`; its metrics for world.json. */
  const train = async (from: string, folder: string, name: string, examples: SftExample[], sftOptions: SftOptions): Promise<Record<string, number>> => {
    const model = await TinyLM.load(from);
    try {
      const m = await sft(model, examples, { ...sftOptions, ...(hooks.signal ? { signal: hooks.signal } : {}) });
      await writeFolderAtomic(folder, (tmp) => model.save(tmp));
      log(`world: ${name}: ${m.steps} steps, loss ${m.initialLoss.toFixed(3)} -> ${m.finalLoss.toFixed(3)} in ${m.seconds.toFixed(1)} s`);
      return metricsRecord(m);
    } finally {
      model.dispose();
    }
  };

  const specialists: WorldBuild['specialists'] = {};
  const shippedIndex = o.prebuilt ? await readShippedIndex() : undefined;
  for (const skill of SKILL_NAMES.filter((s) => o.skills.includes(s))) {
    const name = `${skill}-specialist`;
    const folder = join(root, 'models', name);
    const seed = lightSpecialistSeed(o.seed, SKILL_NAMES.indexOf(skill));
    const stepDigest = valueDigest({ data: dataDigest, base: baseDigest, skill, sft: o.sft, seed });
    const shipped = o.prebuilt ? shippedIndex?.specialists[name] : undefined;
    await step(name, stepDigest, folder, async () => {
      if (shipped?.stepDigest === stepDigest) {
        const from = join(SHIPPED_SPECIALISTS, name);
        await writeFolderAtomic(folder, (tmp) => cp(from, tmp, { recursive: true }));
        const got = await digestFolder(folder);
        if (got !== shipped.folderDigest) {
          throw new Error(`buildWorld: the shipped ${name} (${from}) has digest ${got}, index.json records ${shipped.folderDigest}`);
        }
        log(`world: ${name}: copied the shipped prebuilt model (same inputs; rebuild with scripts/build-assets.mjs)`);
        return { ...shipped.metrics, prebuilt: 1 };
      }
      return train(baseDir, folder, name, await readSft(data.sft[skill]), { ...o.sft, seed });
    });
    specialists[skill] = folder;
    const recorded = manifest.steps[name]?.metrics;
    if (recorded) metrics[skill] = recorded;
  }

  let mergeable: MergeableModels | undefined;
  if (o.mergeable) {
    const mo = o.mergeable;
    const modelsDir = join(root, 'mergeable', 'models');
    const sets = await Promise.all(SKILL_NAMES.map((s) => readSft(data.sft[s])));
    const primer = join(modelsDir, 'primer');
    const { perSkill, ...primerSft } = mo.primer;
    const pSeed = primerSeed(o.seed);
    const primerDigest = valueDigest({ format: MERGEABLE_FORMAT, data: dataDigest, base: baseDigest, primer: mo.primer, seed: pSeed });
    await step('mergeable-primer', primerDigest, primer, () =>
      train(baseDir, primer, 'mergeable-primer', primerExamples(sets, perSkill), { ...primerSft, warmup: 0, seed: pSeed }),
    );
    const light = {} as Record<SkillName, string>;
    for (const [k, skill] of SKILL_NAMES.entries()) {
      const folder = join(modelsDir, `${skill}-light`);
      const seed = lightSpecialistSeed(o.seed, k);
      const stepDigest = valueDigest({ format: MERGEABLE_FORMAT, primer: primerDigest, skill, specialist: mo.specialist, seed });
      await step(`mergeable-${skill}`, stepDigest, folder, () =>
        train(primer, folder, `mergeable-${skill}`, sets[k] ?? [], { ...mo.specialist, warmup: 0, seed }),
      );
      light[skill] = folder;
    }
    mergeable = { primer, specialists: light };
  }

  writeJsonAtomically(manifestFile, manifest);
  return {
    root,
    digest,
    data,
    baseModel: baseDir,
    specialists,
    built,
    reused,
    metrics,
    ...(interference ? { interference } : {}),
    ...(lowFidelity ? { lowFidelity } : {}),
    ...(mergeable ? { mergeable } : {}),
  };
}
