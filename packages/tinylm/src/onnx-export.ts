/**
 * Export a GPT-2 model folder as a standard ONNX model: the full-sequence forward pass without a KV
 * cache, the layout Hugging Face Optimum writes for `--task text-generation` (decoder without past):
 * inputs `input_ids` and `attention_mask` (int64 [batch_size, sequence_length]), output `logits`
 * (float32 [batch_size, sequence_length, vocab_size]). Only standard ONNX operators at opset 17.
 *
 * Position ids are computed inside the graph from the attention mask as max(cumsum(mask) - 1, 0): with
 * left padding, every row's first real token is at position 0 and padding sits at position 0, exactly
 * what `generate` does. Attention is causal and never attends to masked keys (additive -1e9, as in
 * tinylm's forward pass), so logits at real positions do not depend on the padding.
 */
import * as path from 'node:path';
import { writeFileAtomic } from '@lamdagent/core/kit';
import type { GPT2Config } from './config.js';
import { loadModelFolder } from './io.js';
import { DataType, modelProto, type AttributeValue, type NodeSpec, type TensorSpec } from './onnx-proto.js';
import { LNF_B, LNF_W, WPE, WTE, layerNames, paramLayout } from './params.js';

export const ONNX_FILE = 'model.onnx';
export const ONNX_OPSET = 17;

/** Additive mask value for disallowed attention, as tinylm's forward pass masks them (finite: no NaN rows). */
const MASK_VALUE = -1e9;

/** IR version 8 goes with opset 17 (ONNX 1.12). */
export const ONNX_IR_VERSION = 8;
const PROTOBUF_LIMIT = 2 ** 31 - 1;

/** Collects nodes and initializers with generated value names. */
class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly initializers: TensorSpec[] = [];
  private counter = 0;

  private fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  op(op: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>, hint = op.toLowerCase()): string {
    const out = this.fresh(hint);
    this.nodes.push({ op, inputs, outputs: [out], name: `${op}_${this.counter}`, ...(attributes ? { attributes } : {}) });
    return out;
  }

  /** An op with several outputs. */
  opN(op: string, inputs: readonly string[], count: number, attributes?: Record<string, AttributeValue>): string[] {
    const outs = Array.from({ length: count }, () => this.fresh(op.toLowerCase()));
    this.nodes.push({ op, inputs, outputs: outs, name: `${op}_${this.counter}`, ...(attributes ? { attributes } : {}) });
    return outs;
  }

  init(name: string, dims: readonly number[], data: TensorSpec['data']): string {
    this.initializers.push({ name, dims, data });
    return name;
  }

  float(value: number, hint = 'const'): string {
    return this.init(this.fresh(hint), [], Float32Array.of(value));
  }

  int64s(values: readonly number[], hint = 'const', scalar = false): string {
    return this.init(this.fresh(hint), scalar ? [] : [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }
}

const ints = (value: readonly number[]): AttributeValue => ({ kind: 'ints', value });
const int = (value: number): AttributeValue => ({ kind: 'int', value });

/** The ONNX nodes of GPT-2's forward pass for `config`; `weight(name)` gives each tensor's values. */
export function buildGpt2Graph(config: GPT2Config, weight: (name: string) => Float32Array): { nodes: NodeSpec[]; initializers: TensorSpec[] } {
  const g = new GraphBuilder();
  const D = config.nEmbd;
  const H = config.nHead;
  const dh = D / H;
  const shapes = new Map(paramLayout(config).specs.map((s) => [s.name, s.shape]));
  const w = (name: string): string => g.init(name, shapes.get(name) ?? [], weight(name));
  const eps: AttributeValue = { kind: 'float', value: config.layerNormEpsilon };
  const layerNorm = (x: string, gamma: string, beta: string): string =>
    g.op('LayerNormalization', [x, w(gamma), w(beta)], { axis: int(-1), epsilon: eps }, 'ln');
  const linear = (x: string, weightName: string, biasName: string): string => g.op('Add', [g.op('MatMul', [x, w(weightName)]), w(biasName)]);

  // Positions: max(cumsum(attention_mask) - 1, 0) per row.
  const one64 = g.int64s([1], 'one_i64', true);
  const cum = g.op('CumSum', ['attention_mask', one64]);
  const positions = g.op('Max', [g.op('Sub', [cum, one64]), g.int64s([0], 'zero_i64', true)], undefined, 'position_ids');
  const wte = w(WTE);
  let x = g.op('Add', [g.op('Gather', [wte, 'input_ids'], { axis: int(0) }), g.op('Gather', [w(WPE), positions], { axis: int(0) })], undefined, 'embed');

  // Additive attention mask [B, 1, T, T]: MASK_VALUE above the diagonal or on a masked key, else 0.
  const maskValue = g.float(MASK_VALUE, 'mask_value');
  const keyMask = g.op('Mul', [g.op('Sub', [g.float(1, 'one_f'), g.op('Cast', ['attention_mask'], { to: int(DataType.FLOAT) })]), maskValue]);
  const keyMask4 = g.op('Unsqueeze', [keyMask, g.int64s([1, 2], 'axes')]);
  const seqLen = g.op('Gather', [g.op('Shape', ['input_ids']), g.int64s([1], 'idx')], { axis: int(0) });
  const square = g.op('Concat', [seqLen, seqLen], { axis: int(0) });
  const filled = g.op('ConstantOfShape', [square], { value: { kind: 'tensor', value: { name: '', dims: [1], data: Float32Array.of(MASK_VALUE) } } });
  const causal = g.op('Trilu', [filled, g.int64s([1], 'k', true)], { upper: int(1) });
  const mask = g.op('Min', [causal, keyMask4], undefined, 'attn_mask');

  const headShape = g.int64s([0, 0, H, dh], 'head_shape');
  const mergedShape = g.int64s([0, 0, D], 'merged_shape');
  const split = g.int64s([D, D, D], 'qkv_split');
  const scale = g.float(1 / Math.sqrt(dh), 'attn_scale');
  const heads = (t: string, perm: number[]): string => g.op('Transpose', [g.op('Reshape', [t, headShape])], { perm: ints(perm) });
  const half = g.float(0.5, 'half');
  const oneF = g.float(1, 'one');
  const geluC = g.float(0.044715, 'gelu_c');
  const geluK = g.float(Math.sqrt(2 / Math.PI), 'gelu_k');

  for (let i = 0; i < config.nLayer; i++) {
    const n = layerNames(i);
    const h = layerNorm(x, n.ln1w, n.ln1b);
    const [q, k, v] = g.opN('Split', [linear(h, n.attnW, n.attnB), split], 3, { axis: int(2) }) as [string, string, string];
    const qh = g.op('Mul', [heads(q, [0, 2, 1, 3]), scale]); // [B, H, T, dh], pre-scaled as tinylm does
    const kh = heads(k, [0, 2, 3, 1]); // [B, H, dh, T]
    const vh = heads(v, [0, 2, 1, 3]); // [B, H, T, dh]
    const probs = g.op('Softmax', [g.op('Add', [g.op('MatMul', [qh, kh]), mask])], { axis: int(-1) });
    const ctx = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, vh])], { perm: ints([0, 2, 1, 3]) }), mergedShape]);
    x = g.op('Add', [x, linear(ctx, n.projW, n.projB)], undefined, `h${i}_attn_res`);
    const f = linear(layerNorm(x, n.ln2w, n.ln2b), n.fcW, n.fcB);
    // gelu_new: 0.5 f (1 + tanh(sqrt(2/pi) (f + 0.044715 f^3)))
    const cube = g.op('Mul', [g.op('Mul', [f, f]), f]);
    const t = g.op('Tanh', [g.op('Mul', [g.op('Add', [f, g.op('Mul', [cube, geluC])]), geluK])]);
    const gelu = g.op('Mul', [g.op('Mul', [f, half]), g.op('Add', [t, oneF])], undefined, 'gelu');
    x = g.op('Add', [x, linear(gelu, n.mlpW, n.mlpB)], undefined, `h${i}_mlp_res`);
  }
  const final = layerNorm(x, LNF_W, LNF_B);
  // Tied LM head: logits = ln_f(x) @ wte^T (the transpose is constant-folded by runtimes).
  g.nodes.push({ op: 'MatMul', inputs: [final, g.op('Transpose', [wte], { perm: ints([1, 0]) }, 'wte_t')], outputs: ['logits'], name: 'lm_head' });
  return { nodes: g.nodes, initializers: g.initializers };
}

/** The encoded ONNX model (ModelProto bytes) for a config and its weights. */
export function encodeGpt2Onnx(config: GPT2Config, weight: (name: string) => Float32Array): Uint8Array {
  const { nodes, initializers } = buildGpt2Graph(config, weight);
  const ids = { elemType: DataType.INT64, dims: ['batch_size', 'sequence_length'] };
  const proto = modelProto({
    graphName: 'tinylm_gpt2',
    nodes,
    initializers,
    inputs: [
      { name: 'input_ids', ...ids },
      { name: 'attention_mask', ...ids },
    ],
    outputs: [{ name: 'logits', elemType: DataType.FLOAT, dims: ['batch_size', 'sequence_length', config.vocabSize] }],
    opset: ONNX_OPSET,
    irVersion: ONNX_IR_VERSION,
    producerName: '@lamdagent/tinylm',
    producerVersion: '0.1.0',
    docString: 'GPT-2 causal LM forward pass without KV cache (decoder_model layout); position ids from attention_mask',
    metadata: { model_type: 'gpt2', n_positions: String(config.nPositions) },
  });
  if (proto.length > PROTOBUF_LIMIT) {
    throw new Error(`onnx export: the model needs ${proto.length} bytes, over protobuf's 2 GiB limit (external data is not supported)`);
  }
  return proto.finish();
}

/**
 * Write `modelDir`'s GPT-2 forward graph as ONNX (default `<modelDir>/model.onnx`), atomically
 * (temporary file, fsync, rename). Reads config.json, tokenizer.json and model.safetensors (or shards).
 * Returns the path written.
 */
export async function exportOnnx(modelDir: string, outFile?: string): Promise<string> {
  const target = path.resolve(outFile ?? path.join(modelDir, ONNX_FILE));
  const { config, flat } = await loadModelFolder(modelDir);
  const specs = new Map(paramLayout(config).specs.map((s) => [s.name, s]));
  const bytes = encodeGpt2Onnx(config, (name) => {
    const s = specs.get(name);
    if (!s) throw new Error(`onnx export: ${modelDir}: no tensor ${name}`);
    return flat.subarray(s.offset, s.offset + s.size);
  });
  try {
    writeFileAtomic(target, bytes);
  } catch (error) {
    throw new Error(`onnx export: cannot write ${target}: ${(error as Error).message}`, { cause: error });
  }
  return target;
}
