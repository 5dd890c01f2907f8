import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The prebuilt specialists shipped with the package (`assets/specialists/`), written by
 * `scripts/build-assets.mjs`. `buildWorld` copies one instead of training it when the step's input
 * digest (data, base model, skill, SFT settings, seed) equals the one recorded here, so a world built
 * with the default options needs no specialist training; any other options train as before.
 */
export const SHIPPED_SPECIALISTS = fileURLToPath(new URL('../assets/specialists/', import.meta.url));

export const SHIPPED_ASSETS_FORMAT = 'lamdagent-world-assets/1';

const Metrics = z.record(z.string(), z.number());

export const ShippedSpecialistSchema = z
  .object({
    /** `buildWorld`'s input digest of the step (the prebuilt folder stands in for this step only). */
    stepDigest: z.string().regex(/^[0-9a-f]{64}$/),
    /** sha256 of the folder's files (names and bytes), as `digestFolder` computes it. */
    folderDigest: z.string().regex(/^[0-9a-f]{64}$/),
    /** SFT metrics of the build that produced it. */
    metrics: Metrics,
  })
  .strict();
export type ShippedSpecialist = z.infer<typeof ShippedSpecialistSchema>;

/** A probe: a small-scale rerun of a shipped recipe and the sha256 of the weights it must produce. */
export const ProbeSchema = z
  .object({
    description: z.string(),
    weightsDigest: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

export const ShippedIndexSchema = z
  .object({
    format: z.literal(SHIPPED_ASSETS_FORMAT),
    /** The `buildWorld` options the specialists were built with. */
    buildOptions: z.record(z.string(), z.unknown()),
    /** sha256 of the shipped base model folder. */
    baseFolderDigest: z.string().regex(/^[0-9a-f]{64}$/),
    specialists: z.record(z.string(), ShippedSpecialistSchema),
    probes: z.record(z.string(), ProbeSchema),
  })
  .strict();
export type ShippedIndex = z.infer<typeof ShippedIndexSchema>;

/** The index of the shipped specialists, or undefined when none are shipped (or the file is unreadable). */
export async function readShippedIndex(dir: string = SHIPPED_SPECIALISTS): Promise<ShippedIndex | undefined> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = ShippedIndexSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${join(dir, 'index.json')}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
