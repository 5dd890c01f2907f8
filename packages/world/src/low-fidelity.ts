// Low-fidelity SFT data (issue 15; opt-in): a fraction of each SFT set, written beside it as
// `x.<fraction>x.jsonl`, the naming @lamdagent/policy-search's `halving` policy pairs with `x.jsonl`.
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { Rng, writeFileAtomic } from '@lamdagent/core/kit';
import { readWorldManifest } from './data.js';
import { SKILL_NAMES } from './skills/index.js';

export const LowFidelityOptionsSchema = z
  .object({
    /** Data fractions, each a decimal in (0, 1) such as 0.25: `arith.0.25x.jsonl` holds a quarter of `arith.jsonl`. */
    fractions: z
      .array(
        z
          .number()
          .gt(0)
          .lt(1)
          .refine((f) => /^0\.\d+$/.test(String(f)), 'a decimal such as 0.25 (it names the file: x.0.25x.jsonl)'),
      )
      .min(1)
      .default([0.25])
      .refine((fs) => new Set(fs).size === fs.length, 'each fraction once'),
  })
  .strict();
export type LowFidelityOptions = z.input<typeof LowFidelityOptionsSchema>;

export const LOW_FIDELITY_FORMAT = 'lamdagent-world-low-fidelity/1';
/** The manifest's name inside the world's data folder. */
export const LOW_FIDELITY_MANIFEST = 'low-fidelity.json';

const SftFiles = z.object({ arith: z.string(), mc: z.string(), rc: z.string(), all: z.string() });

/** `sft` by fraction (`"0.25"`): the variants' paths (relative to the data folder on disk, absolute when returned). */
export const LowFidelityManifestSchema = z.object({
  format: z.literal(LOW_FIDELITY_FORMAT),
  seed: z.number().int(),
  fractions: z.array(z.number()),
  sft: z.record(z.string(), SftFiles),
  counts: z.record(z.string(), z.number().int()),
});
export type LowFidelityManifest = z.infer<typeof LowFidelityManifestSchema>;

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8')).split('\n').filter((l) => l !== '');
/** `sft/arith.jsonl` → `sft/arith.0.25x.jsonl`. */
const variantPath = (path: string, fraction: number): string => path.replace(/\.jsonl$/, `.${String(fraction)}x.jsonl`);

/**
 * Writes the low-fidelity variants of the SFT sets of the world data in `dataDir` (written by
 * `generateWorldData`) beside them, each file atomically, then `dataDir/low-fidelity.json`; returns the
 * manifest with absolute paths. A skill's variant at fraction f is round(f × n) of its n lines (at
 * least one), kept in file order: the first of one seeded permutation per skill, so a smaller fraction
 * is a subset of a larger one. `all`'s variant is `all.jsonl` restricted to the lines the three skill
 * variants hold (the world builds `all` as a seeded shuffle of arith, mc and rc; the same shuffle is
 * replayed and checked against the file). Lines are copied byte for byte. Same seed, same bytes.
 */
export async function generateLowFidelityData(dataDir: string, options: LowFidelityOptions = {}): Promise<LowFidelityManifest> {
  const parsed = LowFidelityOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`lowFidelity options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { fractions } = parsed.data;
  const world = await readWorldManifest(dataDir);
  const root = world.root;
  const bySkill = await Promise.all(SKILL_NAMES.map((s) => lines(world.sft[s])));
  const all = await lines(world.sft.all);
  // all.jsonl = Rng.labelled(seed, 'sft-all').shuffle(arith ++ mc ++ rc) (data.ts): replay it on (skill, index) tags.
  const tags = bySkill.flatMap((ls, s) => ls.map((_, i) => [s, i] as const));
  const order = Rng.labelled(world.seed, 'sft-all').shuffle(tags);
  if (order.length !== all.length || order.some(([s, i], k) => bySkill[s]![i] !== all[k])) {
    throw new Error(`${world.sft.all}: not the seeded shuffle of ${SKILL_NAMES.join(', ')} that the world builds (was the data folder edited?)`);
  }
  const perms = bySkill.map((ls, s) => Rng.labelled(world.seed, 'low-fidelity', SKILL_NAMES[s]!).shuffle(ls.map((_, i) => i)));
  const files: [string, string[]][] = [];
  const sft: Record<string, z.infer<typeof SftFiles>> = {};
  for (const f of fractions) {
    const kept = perms.map((p) => new Set(p.slice(0, Math.max(1, Math.round(f * p.length)))));
    const paths = {
      arith: variantPath(relative(root, world.sft.arith), f),
      mc: variantPath(relative(root, world.sft.mc), f),
      rc: variantPath(relative(root, world.sft.rc), f),
      all: variantPath(relative(root, world.sft.all), f),
    };
    SKILL_NAMES.forEach((s, k) => files.push([paths[s], bySkill[k]!.filter((_, i) => kept[k]!.has(i))]));
    files.push([paths.all, order.filter(([s, i]) => kept[s]!.has(i)).map(([s, i]) => bySkill[s]![i]!)]);
    sft[String(f)] = paths;
  }
  for (const [path, ls] of files) writeFileAtomic(join(root, path), ls.map((l) => `${l}\n`).join(''));
  const manifest: LowFidelityManifest = {
    format: LOW_FIDELITY_FORMAT,
    seed: world.seed,
    fractions,
    sft,
    counts: Object.fromEntries(files.map(([p, ls]) => [p, ls.length])),
  };
  writeFileAtomic(join(root, LOW_FIDELITY_MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  return readLowFidelityManifest(root);
}

/** Reads `dataDir/low-fidelity.json` written by `generateLowFidelityData`, with paths made absolute. */
export async function readLowFidelityManifest(dataDir: string): Promise<LowFidelityManifest> {
  const file = join(dataDir, LOW_FIDELITY_MANIFEST);
  const parsed = LowFidelityManifestSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: not a low-fidelity manifest: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  }
  const m = parsed.data;
  const abs = (p: string): string => resolve(dataDir, p);
  const sft = Object.fromEntries(Object.entries(m.sft).map(([f, x]) => [f, { arith: abs(x.arith), mc: abs(x.mc), rc: abs(x.rc), all: abs(x.all) }]));
  return { ...m, sft };
}
