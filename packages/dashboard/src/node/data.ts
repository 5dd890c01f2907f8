// Assembles what the page renders from open study sources.
import path from 'node:path';
import type { DashboardData, StudyData } from '../types.js';
import type { StudySource } from './study-source.js';

export const DEFAULT_K = 3;
/** Iterations per window in the history statistics (the paper's Figure 5). */
export const DEFAULT_WINDOW = 15;

/** The k to show: the caller's, else the first study's config `topK`, else 3. */
export function resolveK(sources: readonly StudySource[], k: number | undefined): number {
  if (k !== undefined) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
    return k;
  }
  return sources[0]?.configTopK ?? DEFAULT_K;
}

/** Names that tell studies apart: a folder name shared by two studies gets its parent folder added. */
export function distinctNames(studies: StudyData[]): StudyData[] {
  const count = new Map<string, number>();
  for (const s of studies) count.set(s.name, (count.get(s.name) ?? 0) + 1);
  return studies.map((s) => ((count.get(s.name) ?? 0) > 1 ? { ...s, name: `${s.name} (${path.basename(path.dirname(s.dir))}/${path.basename(s.dir)})` } : s));
}

export function dashboardData(sources: readonly StudySource[], mode: DashboardData['mode'], k: number): DashboardData {
  return {
    mode,
    generatedAt: new Date().toISOString(),
    k,
    window: DEFAULT_WINDOW,
    studies: distinctNames(sources.map((s) => s.data(k))),
  };
}
