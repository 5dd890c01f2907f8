import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfigText } from '@lamdagent/core';
import { z } from 'zod';
import { failureJson } from './run-outcome.js';
import { main } from './cli.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CORPUS_DIR = path.resolve(here, '..', '..', '..', 'test-fixtures', 'bad-inputs');
export const TOY_PLUGIN = path.resolve(here, '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');

/** One bad input: a world (`base`), edits to it, the command, and exactly what must come out. */
export const BadInputSchema = z
  .object({
    name: z.string().min(1),
    /** Starting files: `toy` (toy plugin), `hf` (HF-layout models, the SFT/TIES/suite plugins), `none`. */
    base: z.enum(['toy', 'hf', 'none']).default('toy'),
    /** Text replacements in the base config file (study.yaml), each [from, to]; `from` must occur. */
    edit: z.array(z.tuple([z.string(), z.string()])).default([]),
    /** Files written (or overwritten) after the base; `{toy}` is the toy plugin's path. */
    files: z.record(z.string(), z.string()).default({}),
    /** Raw files as hex (binary model files). */
    hexFiles: z.record(z.string(), z.string()).default({}),
    remove: z.array(z.string()).default([]),
    /** Commands run first (must exit 0), e.g. to create a study that the case then damages. */
    setup: z.array(z.array(z.string())).default([]),
    /** Files written after the setup commands (to damage what they made). */
    after: z.record(z.string(), z.string()).default({}),
    run: z.array(z.string()).min(1),
    exit: z.number().int(),
    /** The exact error text (stderr), `{dir}` standing for the case folder. */
    error: z.string(),
    /** With --json: the exact stdout JSON document's `error` must equal `error` too. */
  })
  .strict();
export type BadInput = z.infer<typeof BadInputSchema>;

/** Every case of the corpus, by file. */
export function loadCorpus(dir = CORPUS_DIR): { file: string; cases: BadInput[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const raw = parseConfigText(path.join(dir, f), readFileSync(path.join(dir, f), 'utf8'));
      const r = z.array(BadInputSchema).safeParse(raw);
      if (!r.success) throw new Error(`${f}: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return { file: f, cases: r.data };
    });
}

function safetensorsHex(header: object, dataBytes: number): string {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  return Buffer.concat([len, h, Buffer.alloc(dataBytes)]).toString('hex');
}
export const GOOD_SAFETENSORS_HEX = safetensorsHex({ 'lm_head.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } }, 16);

const TOY_CONFIG = `seed: 1
budget: { iterations: 2 }
policy: random
plugins: ['{toy}']
discoverPlugins: false
objects:
  base_models: [models/base]
  models: [models/base, models/other]
  datasets: [a.json, b.json]
  lr: [0.5]
  weights: [[0.5, 0.5]]
  density: [0.5]
actions:
  sft: [models, datasets, lr]
  ties_merging: [base_models, models, models, weights, density]
tasks:
  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }
`;

const HF_CONFIG = `seed: 1
budget: { iterations: 2 }
policy: random
plugins: ['@lamdagent/action-sft', '@lamdagent/action-ties', '@lamdagent/eval-suites']
discoverPlugins: false
objects:
  base_models: [models/base]
  models: { values: [models/base, models/arith], names: [base, arith-specialist] }
  sft_dataset: [data/sft.jsonl]
  sft_lr: [0.001]
  ties_weights: [[0.5, 0.5]]
  ties_density: [0.5]
actions:
  sft: [models, sft_dataset, sft_lr]
  ties_merging: [base_models, models, models, ties_weights, ties_density]
tasks:
  - name: arith
    options: { scorer: numeric, data: { validation: eval/val.jsonl } }
`;

/** Lays out a case's files in `dir`. */
export function materialize(c: BadInput, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const write = (rel: string, text: string | Buffer): void => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  let config: string | undefined;
  if (c.base === 'toy') {
    write('models/base/model.json', '{"w":[0,0,0]}');
    write('models/other/model.json', '{"w":[1,1,1]}');
    write('a.json', '{"target":[1,0,0]}');
    write('b.json', '{"target":[0,1,0]}');
    config = TOY_CONFIG;
  } else if (c.base === 'hf') {
    for (const m of ['base', 'arith']) {
      write(`models/${m}/config.json`, '{"model_type":"llama"}');
      write(`models/${m}/model.safetensors`, Buffer.from(GOOD_SAFETENSORS_HEX, 'hex'));
    }
    write('data/sft.jsonl', '{"prompt":"1+1=","completion":"2"}\n');
    write('eval/val.jsonl', '{"id":"1","prompt":"1+1=","answer":"2"}\n');
    config = HF_CONFIG;
  }
  if (config !== undefined) {
    for (const [from, to] of c.edit) {
      if (!config.includes(from)) throw new Error(`case "${c.name}": edit ${JSON.stringify(from)} not found in the base config`);
      config = config.replace(from, to);
    }
    write('study.yaml', config);
  }
  const sub = (t: string): string => t.replaceAll('{toy}', TOY_PLUGIN);
  for (const [rel, text] of Object.entries(c.files)) write(rel, sub(text));
  for (const [rel, hex] of Object.entries(c.hexFiles)) write(rel, Buffer.from(hex === 'GOOD' ? GOOD_SAFETENSORS_HEX : hex, 'hex'));
  if (config !== undefined) writeFileSync(path.join(dir, 'study.yaml'), sub(readFileSync(path.join(dir, 'study.yaml'), 'utf8')));
  for (const rel of c.remove) rmSync(path.join(dir, rel), { recursive: true, force: true });
}

/** Every file under `dir` with a digest of its content (what "nothing written" compares). */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = path.join(d, n);
      const rel = path.relative(dir, p);
      const st = statSync(p);
      if (st.isDirectory()) {
        out[`${rel}/`] = 'dir';
        walk(p);
      } else out[rel] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export interface CaseResult {
  code: number;
  error: string;
  out: string;
  before: Record<string, string>;
  after: Record<string, string>;
}

/** Runs one case in `dir` through the CLI's `main`, as the binary does (errors to stderr with the exit code). */
export async function runCase(c: BadInput, dir: string): Promise<CaseResult> {
  rmSync(dir, { recursive: true, force: true });
  materialize(c, dir);
  const quiet = { out: () => undefined, err: () => undefined, env: {}, cwd: dir };
  for (const cmd of c.setup) {
    const code = await main(cmd, quiet);
    if (code !== 0) throw new Error(`case "${c.name}": setup ${cmd.join(' ')} exited ${code}`);
  }
  for (const [rel, text] of Object.entries(c.after)) writeFileSync(path.join(dir, rel), text);
  const before = snapshotTree(dir);
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = await main(c.run, { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: dir });
  } catch (e) {
    err.push(`lamdagent: ${(e as Error).message}`);
    code = (failureJson(e)['exitCode'] as number | undefined) ?? 1;
  }
  return {
    code,
    error: err.join('\n').replaceAll(dir, '{dir}').replaceAll(TOY_PLUGIN, '{toy}'),
    out: out.join('\n').replaceAll(dir, '{dir}'),
    before,
    after: snapshotTree(dir),
  };
}
