import { beforeAll, describe, expect, it } from 'vitest';
import { encodePair, makeBatch } from './batching.js';
import { TinyLM } from './model.js';
import { meanScoredNll } from './objective.js';
import { randomizeParameters, rightPaddedLogits, sftLoss } from './test-helpers.js';
import { lossAndGradients } from './train-step.js';

/** Hugging Face GPT-2 forward for one sequence, in float64 with plain arrays (independent of tfjs). */
function referenceLogits(model: TinyLM, ids: number[]): number[][] {
  const c = model.config;
  const d = c.nEmbd;
  const H = c.nHead;
  const dh = d / H;
  const p = (name: string): Float64Array => Float64Array.from(model.parameter(name));
  const matvec = (x: number[], W: Float64Array, b: Float64Array | null, nIn: number, nOut: number): number[] =>
    Array.from({ length: nOut }, (_, o) => {
      let s = b ? (b[o] as number) : 0;
      for (let i = 0; i < nIn; i++) s += (x[i] as number) * (W[i * nOut + o] as number);
      return s;
    });
  const layerNorm = (x: number[], g: Float64Array, b: Float64Array): number[] => {
    const mean = x.reduce((a, v) => a + v, 0) / x.length;
    const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
    return x.map((v, i) => ((v - mean) / Math.sqrt(variance + c.layerNormEpsilon)) * (g[i] as number) + (b[i] as number));
  };
  const gelu = (x: number): number => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  const wte = p('transformer.wte.weight');
  const wpe = p('transformer.wpe.weight');
  let xs = ids.map((id, t) => Array.from({ length: d }, (_, j) => (wte[id * d + j] as number) + (wpe[t * d + j] as number)));
  for (let l = 0; l < c.nLayer; l++) {
    const pre = `transformer.h.${l}.`;
    const h = xs.map((x) => layerNorm(x, p(`${pre}ln_1.weight`), p(`${pre}ln_1.bias`)));
    const qkv = h.map((x) => matvec(x, p(`${pre}attn.c_attn.weight`), p(`${pre}attn.c_attn.bias`), d, 3 * d));
    const merged = qkv.map((_, i) => {
      const out = new Array<number>(d).fill(0);
      for (let head = 0; head < H; head++) {
        const q = (qkv[i] as number[]).slice(head * dh, (head + 1) * dh);
        const scores = Array.from({ length: i + 1 }, (_, j) => {
          const k = (qkv[j] as number[]).slice(d + head * dh, d + (head + 1) * dh);
          return q.reduce((a, v, m) => a + v * (k[m] as number), 0) / Math.sqrt(dh);
        });
        const mx = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - mx));
        const z = e.reduce((a, v) => a + v, 0);
        e.forEach((pj, j) => {
          for (let m = 0; m < dh; m++) out[head * dh + m] = (out[head * dh + m] as number) + (pj / z) * ((qkv[j] as number[])[2 * d + head * dh + m] as number);
        });
      }
      return out;
    });
    const attn = merged.map((x) => matvec(x, p(`${pre}attn.c_proj.weight`), p(`${pre}attn.c_proj.bias`), d, d));
    xs = xs.map((x, t) => x.map((v, j) => v + ((attn[t] as number[])[j] as number)));
    const h2 = xs.map((x) => layerNorm(x, p(`${pre}ln_2.weight`), p(`${pre}ln_2.bias`)));
    const mlp = h2.map((x) => {
      const hidden = matvec(x, p(`${pre}mlp.c_fc.weight`), p(`${pre}mlp.c_fc.bias`), d, c.nInner).map(gelu);
      return matvec(hidden, p(`${pre}mlp.c_proj.weight`), p(`${pre}mlp.c_proj.bias`), c.nInner, d);
    });
    xs = xs.map((x, t) => x.map((v, j) => v + ((mlp[t] as number[])[j] as number)));
  }
  const final = xs.map((x) => layerNorm(x, p('transformer.ln_f.weight'), p('transformer.ln_f.bias')));
  return final.map((x) => Array.from({ length: c.vocabSize }, (_, v) => x.reduce((a, xv, j) => a + xv * (wte[v * d + j] as number), 0)));
}

function modelLogits(model: TinyLM, rows: number[][]): number[][][] {
  const T = Math.max(...rows.map((r) => r.length));
  const V = model.config.vocabSize;
  const flat = rightPaddedLogits(model, rows);
  return rows.map((r, b) => r.map((_, t) => Array.from(flat.subarray((b * T + t) * V, (b * T + t + 1) * V))));
}

describe('forward pass', () => {
  let model: TinyLM;
  beforeAll(async () => {
    model = await TinyLM.init({ nEmbd: 8, nHead: 2, nLayer: 2, nInner: 12, nPositions: 16, charset: 'abcdef' }, 3);
    randomizeParameters(model, 11);
  });

  it('matches a plain-array GPT-2 reference (attention, gelu_new, layer norms, tied head)', () => {
    const ids = [1, 4, 5, 6, 4, 9, 7, 8];
    const expected = referenceLogits(model, ids);
    const [got] = modelLogits(model, [ids]) as [number[][]];
    for (let t = 0; t < ids.length; t++) {
      for (let v = 0; v < model.config.vocabSize; v++) expect(got[t]?.[v]).toBeCloseTo(expected[t]?.[v] as number, 3);
    }
  });

  it('is causal and unaffected by right padding of other rows', () => {
    const long = [1, 4, 5, 6, 4, 9, 7, 8, 5, 5];
    const short = [1, 9, 8];
    const [a, b] = modelLogits(model, [long, short]) as [number[][], number[][]];
    const [alone] = modelLogits(model, [short]) as [number[][]];
    const prefix = referenceLogits(model, long.slice(0, 4));
    for (let t = 0; t < 3; t++) {
      for (let v = 0; v < model.config.vocabSize; v++) {
        expect(b[t]?.[v]).toBeCloseTo(alone[t]?.[v] as number, 4);
        expect(a[t]?.[v]).toBeCloseTo(prefix[t]?.[v] as number, 3);
      }
    }
  });

  it('gradients (hand-written backward kernels) match central finite differences', () => {
    const tok = model.tokenizer;
    const batch = makeBatch([encodePair(tok, 'abc', 'fed', 17), encodePair(tok, 'a', 'bbccd', 17)], tok.padId);
    const store = model.paramStore();
    const specs = store.specs;
    const loss = (): number => sftLoss(model, batch);
    const analytic = new Float32Array(store.size);
    lossAndGradients(model.config, store.flat, batch, (lp) => meanScoredNll(lp, batch), analytic);
    // three coordinates in every tensor: covers embeddings, layer norms, attention, MLP, biases
    const eps = 1e-2;
    let substantial = 0;
    for (const spec of specs) {
      for (const k of [0, Math.floor(spec.size / 2), spec.size - 1]) {
        const i = spec.offset + k;
        const orig = store.flat[i] as number;
        store.flat[i] = orig + eps;
        const up = loss();
        store.flat[i] = orig - eps;
        const down = loss();
        store.flat[i] = orig;
        const numeric = (up - down) / (2 * eps);
        if (Math.abs(numeric) > 1e-3) substantial++;
        expect(Math.abs(numeric - (analytic[i] as number)), `${spec.name}[${k}]`).toBeLessThan(2e-3 + 0.03 * Math.abs(numeric));
      }
    }
    expect(substantial).toBeGreaterThan(specs.length);
  });
});
