import { digestFolder, valueDigest, writeFileAtomic, writeFolderAtomic } from '@lamdagent/core/kit';
import { cp, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { generateToolsData, readToolsManifest, TOOLS_DATA_FORMAT, TOOLS_GENERATOR_VERSION, ToolsDataOptionsSchema, type ToolsDataManifest } from './data.js';
import { SHIPPED_TOOLS_BASE_MODEL } from './instruct-base.js';

export const BuildToolsWorldOptionsSchema = ToolsDataOptionsSchema.extend({
  /** The instruction-tuned base model folder (default: the shipped one, `assets/tools-instruct`). */
  baseModel: z.string().min(1).optional(),
}).strict();
export type BuildToolsWorldOptions = z.input<typeof BuildToolsWorldOptionsSchema>;

export const TOOLS_BUILD_FORMAT = 'lamdagent-tools-world/1';
const ManifestSchema = z.object({ format: z.literal(TOOLS_BUILD_FORMAT), steps: z.record(z.string(), z.string()) });

export interface ToolsWorldBuild {
  root: string;
  data: ToolsDataManifest;
  /** `<dir>/models/base`: a copy of the instruction-tuned base model. */
  baseModel: string;
  built: string[];
  reused: string[];
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * Builds the tools world in `dir`: its data (`data/`) and a copy of the instruction-tuned base model
 * (`models/base/`). Each step is recorded in `dir/tools-world.json` with a digest of its inputs and
 * reused by a later call with the same inputs whose folder exists.
 */
export async function buildToolsWorld(dir: string, options: BuildToolsWorldOptions, hooks: { log?: (line: string) => void } = {}): Promise<ToolsWorldBuild> {
  const parsed = BuildToolsWorldOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`buildToolsWorld options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { baseModel, ...dataOptions } = parsed.data;
  const log = hooks.log ?? (() => undefined);
  const root = resolve(dir);
  const manifestFile = join(root, 'tools-world.json');
  const source = resolve(baseModel ?? SHIPPED_TOOLS_BASE_MODEL);
  if (!(await exists(join(source, 'config.json')))) throw new Error(`buildToolsWorld: no base model at ${source} (config.json missing)`);
  let previous: Record<string, string> = {};
  try {
    const m = ManifestSchema.safeParse(JSON.parse(await readFile(manifestFile, 'utf8')));
    if (m.success) previous = m.data.steps;
  } catch {
    // no manifest yet
  }
  const steps: Record<string, string> = {};
  const built: string[] = [];
  const reused: string[] = [];
  async function step(name: string, digest: string, folder: string, run: () => Promise<void>): Promise<void> {
    if (previous[name] === digest && (await exists(folder))) {
      reused.push(name);
      log(`tools world: ${name} reused`);
    } else {
      log(`tools world: building ${name}`);
      await run();
      built.push(name);
    }
    steps[name] = digest;
    writeFileAtomic(manifestFile, JSON.stringify({ format: TOOLS_BUILD_FORMAT, steps: { ...previous, ...steps } }, null, 2) + '\n');
  }
  const dataDir = join(root, 'data');
  await step('data', valueDigest({ format: TOOLS_DATA_FORMAT, generator: TOOLS_GENERATOR_VERSION, ...dataOptions }), dataDir, async () => {
    await generateToolsData(dataDir, dataOptions);
  });
  const baseDir = join(root, 'models', 'base');
  await step('base', await digestFolder(source), baseDir, () => writeFolderAtomic(baseDir, (tmp) => cp(source, tmp, { recursive: true })));
  return { root, data: await readToolsManifest(dataDir), baseModel: baseDir, built, reused };
}
