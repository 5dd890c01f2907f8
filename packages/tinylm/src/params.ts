/**
 * The model's parameters: one flat host buffer in Hugging Face order (the master copy the optimiser
 * updates; the kernels read a copy of it for each computation).
 */
import type { GPT2Config } from './config.js';
import { Mulberry32 } from '@lamdagent/core/kit';

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
  /** Matrices get weight decay; biases, layer norms do not. */
  readonly decay: boolean;
}

/** Per-layer tensor names, in Hugging Face order. */
export function layerNames(
  i: number,
): Record<'ln1w' | 'ln1b' | 'attnW' | 'attnB' | 'projW' | 'projB' | 'ln2w' | 'ln2b' | 'fcW' | 'fcB' | 'mlpW' | 'mlpB', string> {
  const p = `transformer.h.${i}.`;
  return {
    ln1w: `${p}ln_1.weight`,
    ln1b: `${p}ln_1.bias`,
    attnW: `${p}attn.c_attn.weight`,
    attnB: `${p}attn.c_attn.bias`,
    projW: `${p}attn.c_proj.weight`,
    projB: `${p}attn.c_proj.bias`,
    ln2w: `${p}ln_2.weight`,
    ln2b: `${p}ln_2.bias`,
    fcW: `${p}mlp.c_fc.weight`,
    fcB: `${p}mlp.c_fc.bias`,
    mlpW: `${p}mlp.c_proj.weight`,
    mlpB: `${p}mlp.c_proj.bias`,
  };
}

export const WTE = 'transformer.wte.weight';
export const WPE = 'transformer.wpe.weight';
export const LNF_W = 'transformer.ln_f.weight';
export const LNF_B = 'transformer.ln_f.bias';

/** Names and shapes of every stored tensor (lm_head is tied to wte and not stored, as in HF). */
export function paramShapes(c: GPT2Config): [string, number[]][] {
  const d = c.nEmbd;
  const out: [string, number[]][] = [
    [WTE, [c.vocabSize, d]],
    [WPE, [c.nPositions, d]],
  ];
  for (let i = 0; i < c.nLayer; i++) {
    const n = layerNames(i);
    out.push(
      [n.ln1w, [d]],
      [n.ln1b, [d]],
      [n.attnW, [d, 3 * d]],
      [n.attnB, [3 * d]],
      [n.projW, [d, d]],
      [n.projB, [d]],
      [n.ln2w, [d]],
      [n.ln2b, [d]],
      [n.fcW, [d, c.nInner]],
      [n.fcB, [c.nInner]],
      [n.mlpW, [c.nInner, d]],
      [n.mlpB, [d]],
    );
  }
  out.push([LNF_W, [d]], [LNF_B, [d]]);
  return out;
}

/** Where each parameter lives in the flat buffer, and the buffer's length. */
export function paramLayout(config: GPT2Config): { specs: ParamSpec[]; size: number } {
  let offset = 0;
  const specs = paramShapes(config).map(([name, shape]) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const spec = { name, shape, offset, size, decay: shape.length === 2 };
    offset += size;
    return spec;
  });
  return { specs, size: offset };
}

export class ParamStore {
  readonly specs: readonly ParamSpec[];
  readonly flat: Float32Array;

  constructor(config: GPT2Config, flat?: Float32Array) {
    const { specs, size } = paramLayout(config);
    this.specs = specs;
    if (flat && flat.length !== size) throw new Error(`tinylm: parameter buffer has ${flat.length} values, expected ${size}`);
    this.flat = flat ?? new Float32Array(size);
  }

  get size(): number {
    return this.flat.length;
  }

  /** GPT-2 initialisation: N(0, 0.02) matrices and embeddings, residual projections scaled by 1/sqrt(2 n_layer). */
  static init(config: GPT2Config, seed: number): ParamStore {
    const store = new ParamStore(config);
    const rng = new Mulberry32(seed);
    const std = config.initializerRange;
    const residualStd = std / Math.sqrt(2 * config.nLayer);
    for (const spec of store.specs) {
      const view = store.view(spec.name);
      if (spec.name.endsWith('ln_1.weight') || spec.name.endsWith('ln_2.weight') || spec.name === LNF_W) view.fill(1);
      else if (spec.shape.length === 2) {
        const s = spec.name.endsWith('c_proj.weight') ? residualStd : std;
        for (let i = 0; i < view.length; i++) view[i] = rng.normal() * s;
      }
    }
    return store;
  }

  spec(name: string): ParamSpec {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`tinylm: unknown parameter ${name}`);
    return spec;
  }

  /** Live view of one parameter inside the flat buffer. */
  view(name: string): Float32Array {
    const s = this.spec(name);
    return this.flat.subarray(s.offset, s.offset + s.size);
  }

  /** A deep copy (new buffer). */
  clone(config: GPT2Config): ParamStore {
    return new ParamStore(config, this.flat.slice());
  }
}
