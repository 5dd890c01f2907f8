/* Helpers of this package's study tests (not part of the public entry). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorldData } from '@lamdagent/world';

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGES = path.resolve(PACKAGE_DIR, '..');
const IN_ORDER = path.join(PACKAGE_DIR, 'test-fixtures', 'in-order-policy', 'index.mjs');
export const PLUGINS = [IN_ORDER, ...['action-sft', 'action-dpo', 'action-ties', 'eval-suites', 'runner-command'].map((p) => path.join(PACKAGES, p))];

export function requireBuilt(): void {
  for (const p of [...PLUGINS.slice(1), path.join(PACKAGES, 'tinylm'), path.join(PACKAGES, 'world'), path.join(PACKAGES, 'safetensors')]) {
    if (!existsSync(path.join(p, 'dist', 'index.js'))) throw new Error(`${p}/dist is missing: the study loads plugins as packages (npm run build)`);
  }
}

interface JournalTrial {
  type: string;
  trial?: {
    index: number;
    state: string;
    action: { name: string };
    metrics: Record<string, number>;
    scores: Record<string, number>;
    error?: { type: string; message: string; logExcerpt?: string };
  };
}
export const journalTrials = (outDir: string): NonNullable<JournalTrial['trial']>[] =>
  readFileSync(path.join(outDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JournalTrial)
    .flatMap((r) => (r.trial ? [r.trial] : []));

/** World data small enough for CPU TRL jobs of a few steps. */
export async function smallWorld(dir: string): Promise<Awaited<ReturnType<typeof generateWorldData>>> {
  return generateWorldData(path.join(dir, 'world'), { seed: 7, trainSize: 48, valSize: 8, testSize: 8 });
}

export const TRL_PARAMS = '{ epochs: 1, batchSize: 8, maxSteps: 6 }';
