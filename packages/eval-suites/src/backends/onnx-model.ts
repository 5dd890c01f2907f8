/**
 * Loading a model folder for the `onnx` backend: the ONNX file (onnxruntime-node), tokenizer.json
 * (Hugging Face `tokenizers`, the Rust library) and config.json (special token ids, context length).
 * The native modules are loaded on first use, so importing the plugin costs nothing.
 */
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { Tokenizer } from 'tokenizers';
import { z } from 'zod';
import { BackendError } from '../errors.js';

/** Files tried, in order, when no `file` option is given (Optimum puts its export in `onnx/`). */
export const DEFAULT_ONNX_FILES = ['model.onnx', path.join('onnx', 'model.onnx')] as const;

const HOW_TO_EXPORT =
  'export one with exportOnnx(modelDir) from @lamdagent/tinylm, or `optimum-cli export onnx --task text-generation --model <dir> <dir>/onnx` (the export without KV cache)';

const tokenId = z.number().int().nonnegative();
const ConfigSchema = z.looseObject({
  eos_token_id: z
    .union([tokenId, z.array(tokenId).min(1)])
    .nullable()
    .optional(),
  bos_token_id: z
    .union([tokenId, z.array(tokenId).min(1)])
    .nullable()
    .optional(),
  pad_token_id: z
    .union([tokenId, z.array(tokenId).min(1)])
    .nullable()
    .optional(),
  n_positions: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive().optional(),
});

/** What generation needs from config.json. */
export interface OnnxModelConfig {
  eosIds: ReadonlySet<number>;
  padId: number;
  /** Context length (n_positions / max_position_embeddings), when config.json says. */
  nPositions: number | undefined;
}

export interface OnnxModel {
  dir: string;
  file: string;
  session: InferenceSession;
  tokenizer: Tokenizer;
  config: OnnxModelConfig;
  /** Whether the graph takes `attention_mask` / `position_ids` (Optimum exports may have the latter). */
  feedsMask: boolean;
  feedsPositions: boolean;
  /** The onnxruntime module the session came from (for building input tensors). */
  ort: typeof import('onnxruntime-node');
}

export interface OnnxLoadOptions {
  file: string | undefined;
  intraOpNumThreads: number;
  executionProviders: readonly string[];
}

const fail = (message: string, cause?: unknown): BackendError => new BackendError('onnx', message, cause === undefined ? undefined : { cause });

const first = (v: number | number[] | null | undefined): number | undefined => (Array.isArray(v) ? v[0] : (v ?? undefined));

/** Parse config.json's special ids and context length (errors name the file). */
export function parseOnnxModelConfig(text: string, file: string): OnnxModelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw fail(`${file}: invalid JSON (${(err as Error).message})`, err);
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw fail(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const c = parsed.data;
  const eos = c.eos_token_id;
  if (eos === undefined || eos === null) throw fail(`${file}: eos_token_id is missing (generation needs it to stop)`);
  const eosIds = new Set(Array.isArray(eos) ? eos : [eos]);
  return { eosIds, padId: first(c.pad_token_id) ?? first(eos) ?? 0, nPositions: c.n_positions ?? c.max_position_embeddings };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The ONNX file of a model folder: `file` (relative to the folder) or the first default present. */
export async function resolveOnnxFile(dir: string, file: string | undefined): Promise<string> {
  if (file !== undefined) {
    const p = path.resolve(dir, file);
    if (!(await exists(p))) throw fail(`the model at ${dir} has no ${file} (${p}); ${HOW_TO_EXPORT}`);
    return p;
  }
  for (const f of DEFAULT_ONNX_FILES) {
    const p = path.join(dir, f);
    if (await exists(p)) return p;
  }
  throw fail(`the model at ${dir} has no ONNX file (looked for ${DEFAULT_ONNX_FILES.join(' and ')}); ${HOW_TO_EXPORT}`);
}

const KNOWN_INPUTS = new Set(['input_ids', 'attention_mask', 'position_ids']);

/** Refuse graphs this backend cannot drive: KV-cache exports, missing input_ids or logits, unknown inputs. */
export function checkGraphSignature(file: string, inputs: readonly string[], outputs: readonly string[]): void {
  const cache = inputs.filter((n) => n.startsWith('past_key_values') || n === 'use_cache_branch');
  if (cache.length > 0) {
    throw fail(
      `${file} is an export with a KV cache (inputs ${cache.slice(0, 3).join(', ')}${cache.length > 3 ? ', ...' : ''}); ` +
        'this backend runs the decoder without cache: use `optimum-cli export onnx --task text-generation` (not text-generation-with-past) or exportOnnx from @lamdagent/tinylm',
    );
  }
  if (!inputs.includes('input_ids')) throw fail(`${file}: the graph has no input_ids input (inputs: ${inputs.join(', ')})`);
  const unknown = inputs.filter((n) => !KNOWN_INPUTS.has(n));
  if (unknown.length > 0) throw fail(`${file}: unsupported graph inputs ${unknown.join(', ')} (supported: input_ids, attention_mask, position_ids)`);
  if (!outputs.includes('logits')) throw fail(`${file}: the graph has no logits output (outputs: ${outputs.join(', ')})`);
}

async function readText(file: string, dir: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw fail(`the model at ${dir}: cannot read ${path.basename(file)} (${(err as Error).message})`, err);
  }
}

/** Load config.json, tokenizer.json and the ONNX file of a model folder. Errors name the folder or file. */
export async function loadOnnxModel(dir: string, opts: OnnxLoadOptions): Promise<OnnxModel> {
  const file = await resolveOnnxFile(dir, opts.file);
  const configFile = path.join(dir, 'config.json');
  const config = parseOnnxModelConfig(await readText(configFile, dir), configFile);
  const tokFile = path.join(dir, 'tokenizer.json');
  const tokText = await readText(tokFile, dir);
  let tokenizer: Tokenizer;
  try {
    const hf = createRequire(import.meta.url)('tokenizers') as typeof import('tokenizers');
    tokenizer = hf.Tokenizer.fromString(tokText);
  } catch (err) {
    throw fail(`${tokFile}: cannot load with Hugging Face tokenizers (${(err as Error).message})`, err);
  }
  const ort = await import('onnxruntime-node');
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(file, {
      executionProviders: [...opts.executionProviders],
      intraOpNumThreads: opts.intraOpNumThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
  } catch (err) {
    throw fail(`${file}: onnxruntime cannot load it (${(err as Error).message})`, err);
  }
  try {
    checkGraphSignature(file, session.inputNames, session.outputNames);
  } catch (err) {
    await session.release();
    throw err;
  }
  return {
    dir,
    file,
    session,
    tokenizer,
    config,
    feedsMask: session.inputNames.includes('attention_mask'),
    feedsPositions: session.inputNames.includes('position_ids'),
    ort,
  };
}
