import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Split } from '@lamdagent/core';
import { ROW_FILE_EXTENSIONS } from './rows.js';

/**
 * The data-folder convention: `<dataDir>/<task>/<split>.jsonl|.json|.parquet|.arrow`, or `<dataDir>/<task>/<split>/`
 * (a `datasets` save_to_disk folder or a folder of shards). Returns the path, or a message saying what is missing.
 */
export function findSplitData(dataDir: string, task: string, split: Split): { path: string } | { missing: string } {
  const dir = join(dataDir, task);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { missing: `no folder ${dir} (the data folder holds <task>/${split}.* per task)` };
  }
  const hits = names.filter((n) => n === split || (ROW_FILE_EXTENSIONS as readonly string[]).some((ext) => n === `${split}${ext}`));
  if (hits.length > 1) return { missing: `${dir} has ${hits.join(' and ')}: keep one ${split} file` };
  const hit = hits[0];
  if (hit === undefined) return { missing: `no ${split}.jsonl, .json, .parquet, .arrow or ${split}/ folder in ${dir}` };
  const path = join(dir, hit);
  if (hit === split && !statSync(path).isDirectory()) return { missing: `${path} is neither a folder nor a file with a known extension` };
  return { path };
}
