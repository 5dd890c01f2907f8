/** Reading and writing model folders in the Hugging Face layout. */
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic, writeFolderAtomic } from '@lamdagent/core/kit';
import { encodeFromFloat32, openCheckpoint, writeSafetensors } from '@lamdagent/safetensors';
import { parseHFConfig, toGenerationConfig, toHFConfig, type GPT2Config } from './config.js';
import { paramLayout, type ParamStore } from './params.js';
import { CharTokenizer } from './tokenizer.js';

export const WEIGHTS_FILE = 'model.safetensors';

/** Tensors some GPT-2 checkpoints carry that are not parameters (or are tied); ignored when loading. */
const IGNORED = /(^|\.)attn\.(bias|masked_bias)$|^lm_head\.weight$/;

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function writeFiles(dir: string, config: GPT2Config, tokenizer: CharTokenizer, store: ParamStore): Promise<void> {
  const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`;
  await writeSafetensors(
    path.join(dir, WEIGHTS_FILE),
    store.specs.map((s) => ({
      name: s.name,
      dtype: 'F32' as const,
      shape: [...s.shape],
      data: () => encodeFromFloat32(store.view(s.name).slice(), 'F32'),
    })),
    { metadata: { format: 'pt' } },
  );
  writeFileAtomic(path.join(dir, 'tokenizer.json'), json(tokenizer.toJSON()));
  writeFileAtomic(path.join(dir, 'tokenizer_config.json'), json(tokenizer.toConfigJSON(config.nPositions)));
  const specials = tokenizer.toConfigJSON(config.nPositions);
  writeFileAtomic(
    path.join(dir, 'special_tokens_map.json'),
    json({ bos_token: specials['bos_token'], eos_token: specials['eos_token'], pad_token: specials['pad_token'], unk_token: specials['unk_token'] }),
  );
  writeFileAtomic(path.join(dir, 'generation_config.json'), json(toGenerationConfig(config)));
  // config.json last: a folder with a config.json is a complete model.
  writeFileAtomic(path.join(dir, 'config.json'), json(toHFConfig(config)));
}

/**
 * Save a model folder. A new folder is written under a temporary sibling name and renamed into
 * place; into an existing folder, every file is written to a temporary name and renamed.
 */
export async function saveModelFolder(dir: string, config: GPT2Config, tokenizer: CharTokenizer, store: ParamStore): Promise<void> {
  const target = path.resolve(dir);
  if (await exists(target)) {
    await writeFiles(target, config, tokenizer, store);
    return;
  }
  await writeFolderAtomic(target, (tmp) => writeFiles(tmp, config, tokenizer, store));
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as Error).message})`);
  }
}

/** Load config, tokenizer and weights from a model folder. */
export async function loadModelFolder(dir: string): Promise<{ config: GPT2Config; tokenizer: CharTokenizer; flat: Float32Array }> {
  const configFile = path.join(dir, 'config.json');
  const config = parseHFConfig(await readText(configFile), configFile);
  const tokFile = path.join(dir, 'tokenizer.json');
  const tokenizer = CharTokenizer.fromJSON(await readText(tokFile), { bos: config.bosTokenId, eos: config.eosTokenId, pad: config.padTokenId }, tokFile);
  if (tokenizer.vocabSize !== config.vocabSize) {
    throw new Error(`${tokFile}: vocabulary has ${tokenizer.vocabSize} tokens but ${configFile} says vocab_size ${config.vocabSize}`);
  }
  const layout = paramLayout(config);
  const flat = new Float32Array(layout.size);
  const ckpt = await openCheckpoint(dir);
  try {
    const names = new Set(ckpt.names());
    const used = new Set<string>();
    for (const spec of layout.specs) {
      const bare = spec.name.replace(/^transformer\./, '');
      const name = names.has(spec.name) ? spec.name : names.has(bare) ? bare : undefined;
      if (name === undefined) throw new Error(`${dir}: checkpoint has no tensor ${spec.name}`);
      const info = ckpt.info(name);
      if (info.shape.length !== spec.shape.length || info.shape.some((d, i) => d !== spec.shape[i])) {
        throw new Error(`${dir}: tensor ${name} has shape [${info.shape.join(', ')}], config.json implies [${spec.shape.join(', ')}]`);
      }
      flat.set(await ckpt.readFloat32(name), spec.offset);
      used.add(name);
    }
    const extra = [...names].filter((n) => !used.has(n) && !IGNORED.test(n));
    if (extra.length > 0) throw new Error(`${dir}: unexpected tensors for GPT-2 with config.json's sizes: ${extra.slice(0, 5).join(', ')}`);
  } finally {
    await ckpt.close();
  }
  return { config, tokenizer, flat };
}
