import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { PreflightContext, Split } from '@lamdagent/core';
import { EvalItemSchema } from '../dataset.js';
import { findPreset, TASK_PRESETS } from '../presets.js';
import { scorerFor, SuiteTaskOptionsSchema } from '../task-options.js';
import { scorerProblem } from '../scorers/resolve.js';
import { findBenchmark } from './benchmarks.js';
import { findSplitData } from './data-dir.js';
import { describeIssues } from './load.js';

/** Bytes of a JSON lines file read to check its first records. */
const HEAD_BYTES = 1 << 20;
/** Records of a JSON lines file checked against the schema. */
const HEAD_RECORDS = 3;

function head(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(bytes, statSync(file).size));
    readSync(fd, buf, 0, buf.length, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

function tail(file: string, bytes: number): Buffer {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(bytes, size));
    readSync(fd, buf, 0, buf.length, size - buf.length);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Problems with the first records of a data file (or its magic bytes, for Parquet and Arrow); undefined when it looks right. */
export function checkDataHead(file: string, format: string): string | undefined {
  if (statSync(file).isDirectory()) return undefined; // a datasets folder: read when evaluated
  const ext = extname(file).toLowerCase();
  if (ext === '.parquet') {
    return head(file, 4).toString('latin1') === 'PAR1' && tail(file, 4).toString('latin1') === 'PAR1' ? undefined : `${file}: not a Parquet file`;
  }
  if (ext === '.arrow') {
    const h = head(file, 6);
    return h.toString('latin1') === 'ARROW1' || h.readUInt32LE(0) === 0xffffffff ? undefined : `${file}: not an Arrow IPC file`;
  }
  const text = head(file, HEAD_BYTES).toString('utf8');
  if (text.trimStart().startsWith('[')) return undefined; // a JSON array: checked whole when evaluated
  const lines = text.split('\n');
  if (text.length === HEAD_BYTES) lines.pop(); // the last line may be cut
  const bench = findBenchmark(format);
  let checked = 0;
  for (let i = 0; i < lines.length && checked < HEAD_RECORDS; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      return `${file}:${i + 1}: not valid JSON (${(err as Error).message})`;
    }
    const native = typeof row === 'object' && row !== null && 'prompt' in row && 'answer' in row;
    if (!native && bench?.keep && !bench.keep(row as Record<string, unknown>)) continue;
    const parsed = native || !bench ? EvalItemSchema.safeParse(row) : bench.schema.safeParse(row);
    if (!parsed.success) return `${file}:${i + 1}: ${native || !bench ? '' : `${bench.name}: `}${describeIssues(parsed.error.issues)}`;
    checked++;
  }
  // No record of this task's kind in the head of a long file (NumGLUE's shared file): read in full when evaluated.
  return checked === 0 && text.length < HEAD_BYTES ? `${file}: no ${bench ? `${bench.name} ` : ''}records` : undefined;
}

/**
 * The `suite` evaluator's checks at config validation: each task is a preset or names a scorer, and the files
 * of a data folder or the explicit `data` paths exist and their first records parse in the task's schema.
 */
export function suitePreflight(options: { dataDir?: string | undefined }, ctx: PreflightContext): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  for (const task of ctx.tasks ?? []) {
    const at = `tasks (${task.name})`;
    const parsed = SuiteTaskOptionsSchema.safeParse(task.options);
    if (!parsed.success) {
      issues.push({ path: `${at}.options`, message: describeIssues(parsed.error.issues) });
      continue;
    }
    const o = parsed.data;
    const preset = findPreset(o.preset ?? task.name);
    if (!preset && o.scorer === undefined) {
      issues.push({
        path: at,
        message: `"${task.name}" is not a preset task (known: ${Object.keys(TASK_PRESETS).join(', ')}); name one in options.preset or set options.scorer`,
      });
      continue;
    }
    const scorerName = o.scorer ?? preset?.scorer;
    if (o.scorer !== undefined) {
      const why = scorerProblem(o.scorer, ctx.scorers);
      if (why) {
        issues.push({ path: `${at}.options.scorer`, message: why });
        continue;
      }
    }
    if (scorerName !== undefined) {
      try {
        scorerFor({ name: task.name, scorer: scorerName, scorerOptions: o.scorerOptions }, ctx.scorers);
      } catch (err) {
        issues.push({ path: `${at}.options.scorerOptions`, message: (err as Error).message });
        continue;
      }
    }
    const format = o.format ?? preset?.name ?? task.name;
    const dataDir = o.dataDir ?? options.dataDir;
    for (const split of ['validation', 'test'] as Split[]) {
      let file = o.data?.[split];
      if (file !== undefined) {
        file = isAbsolute(file) ? file : resolve(ctx.configDir, file);
        // A named file that is not there is known now, not only when the split is evaluated (issue 16).
        if (!statSync(file, { throwIfNoEntry: false })) {
          issues.push({ path: `${at}.options.data.${split}`, message: `${file}: not found` });
          continue;
        }
      } else if (dataDir !== undefined) {
        const found = findSplitData(isAbsolute(dataDir) ? dataDir : resolve(ctx.configDir, dataDir), task.name, split);
        if (!('path' in found)) {
          issues.push({ path: at, message: `data folder: ${found.missing}` });
          continue;
        }
        file = found.path;
      } else {
        // The validation split is scored after every trial: without a file or a data folder each trial would fail (issue 16).
        if (split === 'validation')
          issues.push({
            path: `${at}.options.data.validation`,
            message: `missing: the validation split needs a JSON lines file (options.data.validation) or a data folder (options.dataDir, evaluators.suite.dataDir)${preset ? `; preset ${preset.name} fixes the scorer, but no dataset hub is reachable from here` : ''}`,
          });
        continue;
      }
      const problem = checkDataHead(file, format);
      if (problem) issues.push({ path: at, message: problem });
    }
  }
  return issues;
}
