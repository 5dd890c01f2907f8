/** Tensor-name conventions of Hugging Face causal LMs, without an architecture table. */

/** `prefix` `index` `suffix` of a per-layer tensor: `model.layers.` `3` `.mlp.up_proj.weight`. */
const LAYER = /^((?:.*\.)?(?:layers|h|blocks|layer)\.)(\d+)(\..+)$/;

export interface LayerName {
  prefix: string;
  index: number;
  suffix: string;
}

export function layerOf(name: string): LayerName | undefined {
  const m = LAYER.exec(name);
  return m ? { prefix: m[1] as string, index: Number(m[2]), suffix: m[3] as string } : undefined;
}

/** Input embeddings (before the layers). */
const INPUT_EMBED = /(^|\.)(embed_tokens|wte|word_embeddings|embed_in|tok_embeddings|shared)\.weight$/;
/** Output embeddings (the LM head). */
const OUTPUT_EMBED = /(^|\.)(lm_head|embed_out)\.weight$/;

export function isInputEmbedding(name: string): boolean {
  return INPUT_EMBED.test(name);
}

/** Vocabulary-sized matrices: the input embedding and the LM head. */
export function isEmbedding(name: string): boolean {
  return INPUT_EMBED.test(name) || OUTPUT_EMBED.test(name);
}

export function isLmHead(name: string): boolean {
  return OUTPUT_EMBED.test(name);
}

/** Non-layer tensors that come before the layers (taken from the first slice's models). */
export function isPreLayer(name: string): boolean {
  return INPUT_EMBED.test(name) || /(^|\.)(wpe|embed_positions|position_embeddings)\.weight$/.test(name);
}

/** Number of layers of a checkpoint: one more than the largest layer index in its tensor names. */
export function layerCount(names: readonly string[]): number {
  let max = -1;
  for (const n of names) {
    const l = layerOf(n);
    if (l && l.index > max) max = l.index;
  }
  return max + 1;
}
