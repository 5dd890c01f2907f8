// The report: the dashboard's page as one self-contained HTML file (scripts, styles and data inlined).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@lamdagent/core/kit';
import type { TrialTranscripts } from '../types.js';
import { dashboardData, resolveK } from './data.js';
import { renderPage } from './page.js';
import { openSources } from './study-source.js';

export interface ReportOptions {
  /** How many top models the leaderboard and pipelines show (default: the study's `topK`, else 3). */
  k?: number;
}

/** Writes one HTML file that shows the studies as the dashboard does, offline (no network needed to view it). */
export async function writeReport(dirs: string[], outFile: string, opts: ReportOptions = {}): Promise<void> {
  const sources = openSources(dirs);
  const k = resolveK(sources, opts.k);
  const data = dashboardData(sources, 'report', k);
  const transcripts: Record<string, TrialTranscripts> = {};
  for (const s of sources) {
    const d = data.studies[s.id];
    const indexes = new Set([...(d?.trials ?? []).map((t) => t.index), ...(d?.running ?? []).map((r) => r.index)]);
    for (const i of indexes) {
      const t = s.transcripts(i);
      if (t.select || t.observe || t.errors.length) transcripts[`${s.id}:${i}`] = t;
    }
  }
  const html = renderPage({ ...data, transcripts });
  const out = path.resolve(outFile);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, html, { durable: false });
}
