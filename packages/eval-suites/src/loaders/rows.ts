import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { z } from 'zod';
import { DatasetError } from '../errors.js';

/** One record of a benchmark file, and where it came from (for error messages). */
export interface SourceRow {
  row: Record<string, unknown>;
  /** The file the row was read from. */
  file: string;
  /** 1-based line (JSON lines) or row number (Parquet, Arrow, JSON array). */
  line: number;
  kind: 'line' | 'row';
}

/** File types a benchmark split may come as. */
export const ROW_FILE_EXTENSIONS = ['.jsonl', '.json', '.parquet', '.arrow'] as const;

/** Plain JSON values from what the Parquet and Arrow readers give (bigint, Arrow vectors and rows, typed arrays). */
export function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<unknown>, plain);
  if (Array.isArray(v)) return v.map(plain);
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    const withJson = v as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === 'function') return plain(withJson.toJSON());
  }
  // A null field of a columnar file is a field the record does not have (JSON lines simply omit it).
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== null && x !== undefined)
      .map(([k, x]) => [k, plain(x)]),
  );
}

function asRecord(v: unknown, file: string, line: number, kind: 'line' | 'row'): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new DatasetError(file, kind === 'line' ? line : undefined, `${kind === 'row' ? `row ${line}: ` : ''}not a JSON object`);
  }
  return v as Record<string, unknown>;
}

function parseJsonText(text: string, file: string): SourceRow[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let arr: unknown;
    try {
      arr = JSON.parse(trimmed);
    } catch (err) {
      throw new DatasetError(file, undefined, `not valid JSON (${(err as Error).message})`, { cause: err });
    }
    return z
      .array(z.unknown())
      .parse(arr)
      .map((r, i) => ({ row: asRecord(r, file, i + 1, 'row'), file, line: i + 1, kind: 'row' as const }));
  }
  const rows: SourceRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new DatasetError(file, i + 1, `not valid JSON (${(err as Error).message})`, { cause: err });
    }
    rows.push({ row: asRecord(raw, file, i + 1, 'line'), file, line: i + 1, kind: 'line' });
  }
  return rows;
}

async function readParquet(file: string): Promise<SourceRow[]> {
  let objects: Record<string, unknown>[];
  try {
    objects = await parquetReadObjects({ file: await asyncBufferFromFile(file) });
  } catch (err) {
    throw new DatasetError(file, undefined, `not a readable Parquet file (${(err as Error).message})`, { cause: err });
  }
  return objects.map((o, i) => ({ row: asRecord(plain(o), file, i + 1, 'row'), file, line: i + 1, kind: 'row' as const }));
}

/** Arrow IPC, stream or file format: what `datasets` writes in its cache and with `save_to_disk`. */
async function readArrow(file: string): Promise<SourceRow[]> {
  const bytes = await readFile(file);
  let rows: unknown[];
  try {
    rows = tableFromIPC(bytes).toArray();
  } catch (err) {
    throw new DatasetError(file, undefined, `not a readable Arrow IPC file (${(err as Error).message})`, { cause: err });
  }
  return rows.map((r, i) => ({ row: asRecord(plain(r), file, i + 1, 'row'), file, line: i + 1, kind: 'row' as const }));
}

const SaveToDiskState = z.object({ _data_files: z.array(z.object({ filename: z.string().min(1) })).min(1) });

/**
 * The files of a `datasets` `save_to_disk` folder of one split (`state.json` lists its Arrow shards), or of a
 * folder of Parquet or Arrow shards (`train-00000-of-00002.parquet`, ...), in name order.
 */
async function folderFiles(dir: string): Promise<string[]> {
  const statePath = join(dir, 'state.json');
  const stateText = await readFile(statePath, 'utf8').catch(() => undefined);
  if (stateText !== undefined) {
    const parsed = SaveToDiskState.safeParse(JSON.parse(stateText));
    if (!parsed.success) throw new DatasetError(statePath, undefined, '_data_files: missing (not a datasets save_to_disk folder)');
    return parsed.data._data_files.map((f) => join(dir, f.filename));
  }
  if (
    await stat(join(dir, 'dataset_dict.json')).then(
      () => true,
      () => false,
    )
  ) {
    throw new DatasetError(dir, undefined, 'is a DatasetDict folder: name the split folder inside it (e.g. validation/)');
  }
  const shards = (await readdir(dir)).filter((n) => n.endsWith('.parquet') || n.endsWith('.arrow')).sort();
  if (shards.length === 0) throw new DatasetError(dir, undefined, 'no state.json, .parquet or .arrow files in this folder');
  return shards.map((n) => join(dir, n));
}

/** Reads every record of a benchmark split: a JSON lines / JSON array file, a Parquet file, an Arrow IPC file, or a folder of them. */
export async function readRows(path: string): Promise<SourceRow[]> {
  const s = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new DatasetError(path, undefined, `cannot read the evaluation file (${err.code ?? err.message})`, { cause: err });
  });
  if (s.isDirectory()) {
    const out: SourceRow[] = [];
    for (const f of await folderFiles(path)) out.push(...(await readRows(f)));
    return out;
  }
  const ext = extname(path).toLowerCase();
  if (ext === '.parquet') return readParquet(path);
  if (ext === '.arrow') return readArrow(path);
  if (ext === '.jsonl' || ext === '.json' || ext === '') return parseJsonText(await readFile(path, 'utf8'), path);
  throw new DatasetError(path, undefined, `unknown file type ${basename(path)} (known: ${ROW_FILE_EXTENSIONS.join(', ')}, or a folder)`);
}
