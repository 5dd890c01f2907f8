import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { z } from 'zod';
import { EvalItemSchema } from '../dataset.js';
import { DatasetError } from '../errors.js';
import { BENCHMARKS, findBenchmark, type Benchmark, type BenchmarkItem } from './benchmarks.js';
import { readRows, type SourceRow } from './rows.js';

/** `format` value for the suite's own `{"id","prompt","answer"}` lines. */
export const NATIVE_FORMAT = 'native';

/** Loader names `options.format` accepts. */
export function benchmarkFormats(): string[] {
  return [NATIVE_FORMAT, ...BENCHMARKS.map((b) => b.name)];
}

function located(src: SourceRow, message: string, cause?: unknown): DatasetError {
  return src.kind === 'line'
    ? new DatasetError(src.file, src.line, message, { cause })
    : new DatasetError(src.file, undefined, `row ${src.line}: ${message}`, { cause });
}

/** Zod issues as `field.path: missing` / `field.path: expected ...`, naming the first branch of a union. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const out: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const first = issue.errors[0] ?? [];
      out.push(describeIssues(first.map((i) => ({ ...i, path: [...issue.path, ...i.path] }))));
      continue;
    }
    const at = issue.path.length > 0 ? issue.path.map(String).join('.') : '(record)';
    out.push(issue.code === 'invalid_type' && issue.message.includes('received undefined') ? `${at}: missing` : `${at}: ${issue.message}`);
  }
  return out.join('; ');
}

async function companionFor(b: Benchmark, file: string): Promise<((row: Record<string, unknown>, index: number) => unknown) | undefined> {
  if (b.companion === 'acebench-answers') {
    const answers = join(dirname(file), 'possible_answer', basename(file));
    const rows = await readRows(answers).catch(() => undefined);
    if (!rows) return undefined;
    const byId = new Map<string, unknown>();
    for (const r of rows) {
      if (typeof r.row.id !== 'string' || !('ground_truth' in r.row)) throw located(r, 'id, ground_truth: an ACEBench answer needs both');
      byId.set(r.row.id, r.row.ground_truth);
    }
    return (row) => (typeof row.id === 'string' ? byId.get(row.id) : undefined);
  }
  if (b.companion === 'socialiqa-labels') {
    const labelsFile = join(dirname(file), `${basename(file, extname(file))}-labels.lst`);
    const text = await readFile(labelsFile, 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    const labels = text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
    return (_row, index) => labels[index];
  }
  return undefined;
}

function nativeItems(rows: readonly SourceRow[]): BenchmarkItem[] {
  return rows.map((src) => {
    const parsed = EvalItemSchema.safeParse(src.row);
    if (!parsed.success) throw located(src, describeIssues(parsed.error.issues));
    return parsed.data;
  });
}

function isNative(row: Record<string, unknown> | undefined): boolean {
  return row !== undefined && 'prompt' in row && 'answer' in row;
}

/**
 * Reads a benchmark split (JSON lines, JSON array, Parquet, Arrow IPC or a `datasets` folder) in its published
 * schema and maps it to evaluation items: `format` names the loader (a benchmark or a preset task name);
 * records with `prompt` and `answer` are always read as the suite's own format. Errors name the file,
 * the line (or row) and the field.
 */
export async function loadBenchmarkItems(path: string, format?: string): Promise<BenchmarkItem[]> {
  const rows = await readRows(path);
  let items: BenchmarkItem[];
  if (format === NATIVE_FORMAT || isNative(rows[0]?.row)) {
    items = nativeItems(rows);
  } else {
    const b = format === undefined ? undefined : findBenchmark(format);
    if (!b) {
      const known = BENCHMARKS.map((x) => x.name).join(', ');
      throw new DatasetError(
        path,
        undefined,
        format === undefined
          ? `records are not {"id","prompt","answer"}: name the benchmark schema (options.format: one of ${known})`
          : `no loader for "${format}" (known: ${NATIVE_FORMAT}, ${known}; presets: ${BENCHMARKS.flatMap((x) => x.tasks).join(', ')})`,
      );
    }
    const extra = await companionFor(b, path);
    items = [];
    let index = 0;
    for (const src of rows) {
      if (b.keep && !b.keep(src.row)) continue;
      const parsed = b.schema.safeParse(src.row);
      if (!parsed.success) throw located(src, `${b.name}: ${describeIssues(parsed.error.issues)}`);
      try {
        items.push(b.toItem(src.row, index, extra?.(src.row, index)));
      } catch (err) {
        throw located(src, `${b.name}: ${(err as Error).message}`, err);
      }
      index++;
    }
  }
  if (items.length === 0) throw new DatasetError(path, undefined, 'no items');
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    const first = seen.get(it.id);
    if (first !== undefined) throw new DatasetError(path, undefined, `id ${it.id} of item ${i + 1} repeats item ${first + 1}`);
    seen.set(it.id, i);
  });
  return items;
}
