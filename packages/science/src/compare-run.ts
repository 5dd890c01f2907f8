import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { planCompare, runCompareStudies, studyDirOf, type CompareOptions } from './compare.js';
import { exportTable } from './export.js';
import { compareJson, compareReport, compareText, type CompareReport } from './compare-report.js';
import { compareHtml, compareSvg } from './figure.js';

export interface CompareOutcome {
  report: CompareReport;
  text: string;
  files: { results: string; svg: string; html: string };
}

/**
 * `lamdagent compare`: check the inputs (nothing is written on bad input), run or continue every study,
 * then write OUT/results.json (the `--json` shape), OUT/figure.svg and OUT/figure.html.
 */
export async function compare(o: CompareOptions & { topK?: number; baselines?: string }): Promise<CompareOutcome> {
  if (o.baselines && !existsSync(o.baselines)) throw new UsageError(`--baselines ${o.baselines}: not found (lamdagent baselines CONFIG --out DIR writes it)`);
  const m = await planCompare(o);
  await runCompareStudies(o, m);
  if (m.table && o.fill) {
    // Actions the table missed ran for real: add them to it.
    const dirs = m.seeds.flatMap((s) => m.arms.map((a) => studyDirOf(o.outDir, a.label, s))).filter((d) => existsSync(d));
    const s = await exportTable({ dirs, out: m.table, testTop: 0 });
    o.log?.(`--fill: ${s.added} actions added to ${m.table}`);
  }
  const report = await compareReport(o.outDir, m, {
    ...(o.topK ? { topK: o.topK } : {}),
    ...(o.log ? { log: o.log } : {}),
    ...(o.baselines ? { baselines: o.baselines } : {}),
  });
  const text = compareText(report);
  const files = { results: path.join(o.outDir, 'results.json'), svg: path.join(o.outDir, 'figure.svg'), html: path.join(o.outDir, 'figure.html') };
  writeFileAtomic(files.results, JSON.stringify(compareJson(report), null, 2));
  writeFileAtomic(files.svg, compareSvg(report));
  writeFileAtomic(files.html, compareHtml(report, text));
  return { report, text, files };
}
