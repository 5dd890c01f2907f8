import { closeSync, existsSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/** Bytes read from the head of a file by the preflight checks (a few lines, never the whole file). */
const HEAD_BYTES = 256 * 1024;
/** Largest safetensors header accepted (the format's readers refuse bigger ones too). */
export const MAX_SAFETENSORS_HEADER = 100_000_000;

function readHead(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Check the first `lines` non-blank lines of a JSON-lines file (or of a dataset folder's `train.jsonl` /
 * `data.jsonl`) against a schema, before a job reads it. Returns a problem naming the file and line, or
 * undefined when the head parses.
 */
export function jsonlHeadProblem(file: string, schema: z.ZodType<unknown>, opts: { lines?: number; folderFiles?: string[] } = {}): string | undefined {
  let f = file;
  if (!existsSync(f)) return `${file}: not found`;
  if (statSync(f).isDirectory()) {
    const names = opts.folderFiles ?? ['train.jsonl', 'data.jsonl'];
    const found = names.map((n) => path.join(file, n)).find((p) => existsSync(p));
    if (!found) return `${file}: a folder with none of ${names.join(', ')}`;
    f = found;
  }
  const text = readHead(f, HEAD_BYTES).toString('utf8');
  const all = text.split('\n');
  // The last piece may be cut by the byte limit: only check it when the whole file was read.
  if (text.length >= HEAD_BYTES) all.pop();
  let seen = 0;
  for (let i = 0; i < all.length && seen < (opts.lines ?? 5); i++) {
    const line = all[i]!.trim();
    if (line === '') continue;
    seen++;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      return `${f}:${i + 1}: not JSON (${(e as Error).message})`;
    }
    const res = schema.safeParse(raw);
    if (!res.success) return `${f}:${i + 1}: ${res.error.issues.map((x) => `${x.path.join('.') || 'record'}: ${x.message}`).join('; ')}`;
  }
  if (seen === 0) return `${f}: no records (one JSON object per line expected)`;
  return undefined;
}

/** A problem with a safetensors file's header (length prefix, JSON, entries), or undefined. */
export function safetensorsHeaderProblem(file: string): string | undefined {
  const size = statSync(file).size;
  if (size < 8) return `${file}: ${size} bytes, too short for a safetensors file`;
  const n = Number(readHead(file, 8).readBigUInt64LE(0));
  if (n < 2 || n > MAX_SAFETENSORS_HEADER || n > size - 8) return `${file}: not a safetensors file (header length ${n} for a file of ${size} bytes)`;
  const fd = openSync(file, 'r');
  let header: unknown;
  try {
    const buf = Buffer.alloc(n);
    readSync(fd, buf, 0, n, 8);
    header = JSON.parse(buf.toString('utf8'));
  } catch (e) {
    return `${file}: safetensors header is not JSON (${(e as Error).message})`;
  } finally {
    closeSync(fd);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return `${file}: safetensors header is not a JSON object`;
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offsets = t.data_offsets;
    if (
      typeof t.dtype !== 'string' ||
      !Array.isArray(t.shape) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isInteger(o) && (o as number) >= 0) ||
      (offsets[1] as number) < (offsets[0] as number) ||
      (offsets[1] as number) > size - 8 - n
    )
      return `${file}: tensor ${name}: bad entry in the safetensors header (dtype, shape, data_offsets within the file)`;
  }
  return undefined;
}

/**
 * Problems of a model folder before any job loads it: a folder (not a file), `config.json` parses when
 * present, each `*.safetensors` file has a sound header. Formats core does not know are left to runners.
 */
export function modelFolderProblems(dir: string): string[] {
  if (!existsSync(dir)) return [`${dir}: not found`];
  if (!statSync(dir).isDirectory()) return [`${dir}: a file, not a model folder (a model is a folder with config.json and model.safetensors)`];
  const out: string[] = [];
  const names = readdirSync(dir);
  if (names.includes('config.json')) {
    try {
      const c: unknown = JSON.parse(readHead(path.join(dir, 'config.json'), 16 * 1024 * 1024).toString('utf8'));
      if (typeof c !== 'object' || c === null || Array.isArray(c)) out.push(`${path.join(dir, 'config.json')}: not a JSON object`);
    } catch (e) {
      out.push(`${path.join(dir, 'config.json')}: not JSON (${(e as Error).message})`);
    }
  }
  for (const n of names.filter((x) => x.endsWith('.safetensors')).sort()) {
    const p = safetensorsHeaderProblem(path.join(dir, n));
    if (p) out.push(p);
  }
  return out;
}
