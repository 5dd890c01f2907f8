import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '@lamdagent/core';

/**
 * A file the journal names, read only when it is inside the study folder (after `..` and symlinks are
 * resolved), as the dashboard does: a journal cannot make `show` print other files. Absent: null.
 */
export function readStudyJson(dir: string, rel: string | undefined): unknown {
  if (!rel) return null;
  const root = realpathSync(dir);
  const target = path.resolve(root, rel);
  if (!existsSync(target)) return null;
  const real = realpathSync(target);
  const r = path.relative(root, real);
  if (r === '' || r.startsWith('..') || path.isAbsolute(r))
    throw new UsageError(`${path.join(dir, 'journal.jsonl')}: refers to ${rel}, outside the study folder; not shown`);
  try {
    return JSON.parse(readFileSync(real, 'utf8')) as unknown;
  } catch (e) {
    throw new UsageError(`${real}: not JSON (${(e as Error).message})`);
  }
}
