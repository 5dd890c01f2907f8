import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { LamdagentError } from '../errors.js';

/**
 * Read a JSON-lines file (or, for a dataset folder, its `train.jsonl` / `data.jsonl`), validating every
 * line with a zod schema. Errors name the file, the line and the field.
 */
export function readJsonl<T>(file: string, schema: z.ZodType<T>, opts: { folderFiles?: string[] } = {}): T[] {
  let f = file;
  if (existsSync(f) && statSync(f).isDirectory()) {
    const names = opts.folderFiles ?? ['train.jsonl', 'data.jsonl'];
    const found = names.map((n) => path.join(file, n)).find((p) => existsSync(p));
    if (!found) throw new LamdagentError(`${file}: dataset folder has none of ${names.join(', ')}`, 1);
    f = found;
  }
  if (!existsSync(f)) throw new LamdagentError(`${f}: dataset file not found`, 1);
  const out: T[] = [];
  readFileSync(f, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch (e) {
        throw new LamdagentError(`${f}:${i + 1}: not JSON (${(e as Error).message})`, 1);
      }
      const res = schema.safeParse(raw);
      if (!res.success)
        throw new LamdagentError(`${f}:${i + 1}: ${res.error.issues.map((x) => `${x.path.join('.') || 'record'}: ${x.message}`).join('; ')}`, 1);
      out.push(res.data);
    });
  return out;
}
