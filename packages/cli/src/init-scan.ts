import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/** A model folder in the Hugging Face layout. */
export interface FoundModel {
  name: string;
  dir: string;
  /** Hidden size from config.json (`hidden_size` or `n_embd`), when it says. */
  hiddenSize?: number;
}

export type DatasetFormat = 'sft' | 'preference';

export interface FoundDataset {
  name: string;
  file: string;
  format: DatasetFormat;
}

/** An evaluation task: a folder holding `validation.jsonl` (and `test.jsonl`) of `{id, prompt, answer}` lines. */
export interface FoundTask {
  name: string;
  validation: string;
  test?: string;
  /** Inferred from the items: `choices` → choice, every answer a number → numeric, else exact. */
  scorer: 'choice' | 'numeric' | 'exact';
}

export interface Scan {
  models: FoundModel[];
  datasets: FoundDataset[];
  tasks: FoundTask[];
  /** JSON lines files that fit no known shape, with why (shown as comments). */
  skipped: { file: string; why: string }[];
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'studies', '.turbo', 'dist', 'artifacts', 'jobs']);
const MAX_DEPTH = 5;

/** Up to `n` parsed JSON objects from the start of a JSON lines file (reads at most 256 KiB). */
export function headRecords(file: string, n = 20): Record<string, unknown>[] {
  const fd = openSync(file, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(Math.min(statSync(file).size, 256 * 1024));
    const read = readSync(fd, buf, 0, buf.length, 0);
    text = buf.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
  const lines = text.split('\n');
  if (text.length === 256 * 1024) lines.pop(); // maybe cut mid-line
  const out: Record<string, unknown>[] = [];
  for (const l of lines) {
    if (out.length >= n) break;
    if (!l.trim()) continue;
    try {
      const v: unknown = JSON.parse(l);
      if (v && typeof v === 'object' && !Array.isArray(v)) out.push(v as Record<string, unknown>);
      else return [];
    } catch {
      return [];
    }
  }
  return out;
}

const isStr = (v: unknown): boolean => typeof v === 'string';

/** What a JSON lines file holds, from its fields: SFT (prompt, completion), preference (prompt, chosen, rejected), evaluation items (id, prompt, answer). */
export function classifyRecords(recs: readonly Record<string, unknown>[]): DatasetFormat | 'eval' | undefined {
  if (recs.length === 0) return undefined;
  const all = (f: (r: Record<string, unknown>) => boolean): boolean => recs.every(f);
  if (all((r) => isStr(r['prompt']) && isStr(r['chosen']) && isStr(r['rejected']))) return 'preference';
  if (all((r) => isStr(r['prompt']) && isStr(r['completion']))) return 'sft';
  if (all((r) => isStr(r['prompt']) && r['answer'] !== undefined && r['id'] !== undefined)) return 'eval';
  return undefined;
}

function modelAt(dir: string): FoundModel | undefined {
  if (!existsSync(path.join(dir, 'config.json'))) return undefined;
  if (!existsSync(path.join(dir, 'model.safetensors')) && !existsSync(path.join(dir, 'model.safetensors.index.json'))) return undefined;
  let hiddenSize: number | undefined;
  try {
    const cfg = JSON.parse(readFileSync(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    const h = cfg['hidden_size'] ?? cfg['n_embd'];
    if (typeof h === 'number') hiddenSize = h;
  } catch {
    // a config.json that is not JSON: still a model folder by its files; the runner will say more
  }
  return { name: path.basename(dir), dir, ...(hiddenSize !== undefined ? { hiddenSize } : {}) };
}

function inferScorer(file: string): FoundTask['scorer'] {
  const recs = headRecords(file, 50);
  if (recs.some((r) => Array.isArray(r['choices']))) return 'choice';
  const answers = recs.map((r) => r['answer']).flatMap((a) => (Array.isArray(a) ? a : [a]));
  if (answers.length > 0 && answers.every((a) => typeof a === 'number' || (typeof a === 'string' && a.trim() !== '' && Number.isFinite(Number(a)))))
    return 'numeric';
  return 'exact';
}

/** Walk `roots` (depth ≤ 5, skipping node_modules, .git, studies, ...) and sort what is there into models, datasets and tasks. */
export function scanFolders(roots: { models: string[]; datasets: string[]; evals: string[] }): Scan {
  const scan: Scan = { models: [], datasets: [], tasks: [], skipped: [] };
  const seen = new Set<string>();
  const walk = (dir: string, depth: number, visit: (entry: string, isDir: boolean) => boolean): void => {
    if (depth > MAX_DEPTH || !existsSync(dir)) return;
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || SKIP_DIRS.has(name)) continue;
      const p = path.join(dir, name);
      let isDir = false;
      try {
        isDir = statSync(p).isDirectory();
      } catch {
        continue;
      }
      if (visit(p, isDir) && isDir) walk(p, depth + 1, visit);
    }
  };
  for (const root of roots.models) {
    const m = modelAt(root);
    if (m) scan.models.push(m);
    else
      walk(root, 0, (p, isDir) => {
        if (!isDir) return false;
        const found = modelAt(p);
        if (found && !seen.has(p)) {
          seen.add(p);
          scan.models.push(found);
        }
        return !found;
      });
  }
  const taskDirs = new Map<string, { validation?: string; test?: string }>();
  const jsonl = (root: string, onFile: (f: string) => void): void =>
    walk(root, 0, (p, isDir) => {
      if (!isDir && p.endsWith('.jsonl')) onFile(p);
      return isDir && !modelAt(p);
    });
  for (const root of roots.datasets)
    jsonl(root, (f) => {
      if (seen.has(f)) return;
      const kind = classifyRecords(headRecords(f));
      if (kind === 'sft' || kind === 'preference') {
        seen.add(f);
        scan.datasets.push({ name: path.basename(f, '.jsonl'), file: f, format: kind });
      } else if (kind === undefined)
        scan.skipped.push({ file: f, why: 'fields fit no known shape (prompt+completion, prompt+chosen+rejected, id+prompt+answer)' });
    });
  for (const root of roots.evals)
    jsonl(root, (f) => {
      const base = path.basename(f, '.jsonl');
      if ((base !== 'validation' && base !== 'test') || classifyRecords(headRecords(f)) !== 'eval') return;
      const task = path.basename(path.dirname(f));
      const t = taskDirs.get(task) ?? {};
      if (!t[base]) t[base] = f;
      taskDirs.set(task, t);
    });
  for (const [name, t] of [...taskDirs].sort(([a], [b]) => a.localeCompare(b))) {
    if (!t.validation) {
      scan.skipped.push({ file: t.test ?? name, why: `task ${name} has a test split but no validation.jsonl (the reward needs the validation split)` });
      continue;
    }
    scan.tasks.push({ name, validation: t.validation, ...(t.test ? { test: t.test } : {}), scorer: inferScorer(t.validation) });
  }
  return scan;
}
