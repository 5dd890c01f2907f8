/**
 * GPT-2 forward and backward over the kernel runtime (Hugging Face GPT2LMHeadModel maths: pre-LN blocks,
 * gelu_new, scaled causal attention, tied LM head). Buffers live in the runtime's arena: callers take a
 * mark before and release it after (everything here is synchronous).
 */
import type { GPT2Config } from '../config.js';
import { LNF_B, LNF_W, WPE, WTE, layerNames, paramLayout } from '../params.js';
import type { Runtime } from './runtime.js';

const F = 4; // bytes per float32

/** Byte addresses of the parameters (or of their gradients) in the arena, by Hugging Face name. */
export class ParamAddrs {
  constructor(
    readonly base: number,
    private readonly offsets: ReadonlyMap<string, number>,
  ) {}

  static of(config: GPT2Config, base: number): ParamAddrs {
    return new ParamAddrs(base, new Map(paramLayout(config).specs.map((s) => [s.name, base + F * s.offset])));
  }

  at(name: string): number {
    const a = this.offsets.get(name);
    if (a === undefined) throw new Error(`tinylm: unknown parameter ${name}`);
    return a;
  }
}

/** Copy a flat parameter buffer into the arena. */
export function uploadParams(rt: Runtime, config: GPT2Config, flat: Float32Array): ParamAddrs {
  return ParamAddrs.of(config, rt.upload(flat));
}

interface LayerActs {
  x: number;
  ln1: number;
  m1: number;
  r1: number;
  qkv: number;
  P: number;
  att: number;
  xm: number;
  ln2: number;
  m2: number;
  r2: number;
  fc: number;
  th: number;
  ge: number;
}

/** What the backward pass needs from a training forward pass. */
export interface ForwardState {
  B: number;
  T: number;
  N: number;
  ids: number;
  pos: number;
  targets: number;
  layers: LayerActs[];
  xL: number;
  lnf: number;
  mf: number;
  rf: number;
  logits: number;
  lse: number;
  lp: number;
}

/** y[N, out] = x[N, in] @ W[in, out] + b. */
export function linear(rt: Runtime, y: number, x: number, w: number, b: number, N: number, nIn: number, nOut: number): void {
  rt.run('matmul', [y, x, w, 0, N, nIn, nOut, nIn, 1, 0], 3, N * nIn * nOut);
  rt.run('add_bias', [y, b, 0, N, nOut], 2, N * nOut);
}

/** One layer norm over rows [0, N). */
function layerNorm(rt: Runtime, out: number, mean: number, rstd: number, x: number, g: number, b: number, N: number, C: number, eps: number): void {
  rt.run('layernorm_fwd', [out, mean, rstd, x, g, b, 0, N, C, eps], 6, N * C * 4);
}

/**
 * Training/scoring forward over B right-padded rows of T tokens (causal attention, no key mask):
 * returns per-position log p(target), with the activations the backward pass needs.
 */
export function forwardLogProbs(
  rt: Runtime,
  c: GPT2Config,
  p: ParamAddrs,
  B: number,
  T: number,
  inputs: Int32Array,
  positions: Int32Array,
  targets: Int32Array,
): ForwardState {
  const d = c.nEmbd;
  const H = c.nHead;
  const dh = d / H;
  const FF = c.nInner;
  const V = c.vocabSize;
  const N = B * T;
  const eps = c.layerNormEpsilon;
  const scale = 1 / Math.sqrt(dh);
  const ids = rt.upload(inputs);
  const pos = rt.upload(positions);
  const tg = rt.upload(targets);
  let x = rt.floats(N * d);
  rt.run('embed_fwd', [x, p.at(WTE), p.at(WPE), ids, pos, 0, N, d], 5, N * d);
  const layers: LayerActs[] = [];
  for (let l = 0; l < c.nLayer; l++) {
    const n = layerNames(l);
    const a: LayerActs = {
      x,
      ln1: rt.floats(N * d),
      m1: rt.floats(N),
      r1: rt.floats(N),
      qkv: rt.floats(N * 3 * d),
      P: rt.floats(B * H * T * T),
      att: rt.floats(N * d),
      xm: rt.floats(N * d),
      ln2: rt.floats(N * d),
      m2: rt.floats(N),
      r2: rt.floats(N),
      fc: rt.floats(N * FF),
      th: rt.floats(N * FF),
      ge: rt.floats(N * FF),
    };
    layerNorm(rt, a.ln1, a.m1, a.r1, x, p.at(n.ln1w), p.at(n.ln1b), N, d, eps);
    linear(rt, a.qkv, a.ln1, p.at(n.attnW), p.at(n.attnB), N, d, 3 * d);
    const m = rt.mark();
    const kT = rt.floats(N * d);
    rt.run('keys_t', [kT, a.qkv + F * d, 0, B, T, H, dh, T * 3 * d, 3 * d, T, 0], 2, N * d);
    rt.run(
      'attention_fwd',
      [a.att, a.P, a.qkv, kT, a.qkv + 2 * F * d, 0, 0, B, T, T, H, dh, T * 3 * d, 3 * d, T, T * 3 * d, 3 * d, 0, scale],
      6,
      B * H * T * T * dh * 2,
    );
    rt.release(m);
    const proj = rt.floats(N * d);
    linear(rt, proj, a.att, p.at(n.projW), p.at(n.projB), N, d, d);
    rt.run('add', [a.xm, x, proj, 0, N * d], 3, N * d);
    layerNorm(rt, a.ln2, a.m2, a.r2, a.xm, p.at(n.ln2w), p.at(n.ln2b), N, d, eps);
    linear(rt, a.fc, a.ln2, p.at(n.fcW), p.at(n.fcB), N, d, FF);
    rt.run('gelu_fwd', [a.ge, a.th, a.fc, 0, N * FF], 3, N * FF * 8);
    const mo = rt.floats(N * d);
    linear(rt, mo, a.ge, p.at(n.mlpW), p.at(n.mlpB), N, FF, d);
    const xo = rt.floats(N * d);
    rt.run('add', [xo, a.xm, mo, 0, N * d], 3, N * d);
    layers.push(a);
    x = xo;
  }
  const lnf = rt.floats(N * d);
  const mf = rt.floats(N);
  const rf = rt.floats(N);
  layerNorm(rt, lnf, mf, rf, x, p.at(LNF_W), p.at(LNF_B), N, d, eps);
  const wteT = rt.floats(V * d);
  rt.run('transpose', [wteT, p.at(WTE), 0, V, V, d], 2, V * d);
  const logits = rt.floats(N * V);
  rt.run('matmul', [logits, lnf, wteT, 0, N, d, V, d, 1, 0], 3, N * d * V);
  const lse = rt.floats(N);
  const lp = rt.floats(N);
  rt.run('logprobs_fwd', [lp, lse, logits, tg, 0, N, V], 4, N * V * 8);
  return { B, T, N, ids, pos, targets: tg, layers, xL: x, lnf, mf, rf, logits, lse, lp };
}

/** Backward of y = x @ W + b: dx (overwritten) and accumulated dW, db. */
function linearBackward(rt: Runtime, dx: number, gW: number, gb: number, dy: number, x: number, w: number, N: number, nIn: number, nOut: number): void {
  const m = rt.mark();
  const wT = rt.floats(nIn * nOut);
  rt.run('transpose', [wT, w, 0, nIn, nIn, nOut], 2, nIn * nOut);
  if (dx !== 0) rt.run('matmul', [dx, dy, wT, 0, N, nOut, nIn, nOut, 1, 0], 3, N * nIn * nOut);
  rt.run('matmul', [gW, x, dy, 0, nIn, N, nOut, 1, nIn, 1], 3, N * nIn * nOut);
  rt.run('col_sum', [gb, dy, 0, nOut, N, nOut], 2, N * nOut);
  rt.release(m);
}

function layerNormBackward(
  rt: Runtime,
  dres: number,
  gg: number,
  gb: number,
  dout: number,
  x: number,
  mean: number,
  rstd: number,
  g: number,
  N: number,
  C: number,
): void {
  rt.run('layernorm_bwd_x', [dres, dout, x, mean, rstd, g, 0, N, C], 6, N * C * 6);
  rt.run('layernorm_bwd_params', [gg, gb, dout, x, mean, rstd, 0, C, N, C], 6, N * C * 4);
}

/**
 * Gradients of sum_i dlp[i] * lp[i] with respect to every parameter, accumulated into `grads`
 * (a zeroed buffer in the flat parameter layout). Overwrites the forward state's logits.
 */
export function backward(rt: Runtime, c: GPT2Config, p: ParamAddrs, s: ForwardState, dlp: Float32Array, grads: ParamAddrs): void {
  const d = c.nEmbd;
  const H = c.nHead;
  const dh = d / H;
  const FF = c.nInner;
  const V = c.vocabSize;
  const { N, B, T } = s;
  const scale = 1 / Math.sqrt(dh);
  const dlpPtr = rt.upload(dlp);
  rt.run('logprobs_bwd', [s.logits, s.logits, s.lse, s.targets, dlpPtr, 0, N, V], 5, N * V * 8);
  const dlnf = rt.floats(N * d);
  rt.run('matmul', [dlnf, s.logits, p.at(WTE), 0, N, V, d, V, 1, 0], 3, N * V * d);
  rt.run('matmul', [grads.at(WTE), s.logits, s.lnf, 0, V, N, d, 1, V, 1], 3, N * V * d);
  const dres = rt.floats(N * d, true);
  layerNormBackward(rt, dres, grads.at(LNF_W), grads.at(LNF_B), dlnf, s.xL, s.mf, s.rf, p.at(LNF_W), N, d);
  const dge = rt.floats(N * FF);
  const dsmall = rt.floats(N * d);
  const dqkv = rt.floats(N * 3 * d);
  for (let l = c.nLayer - 1; l >= 0; l--) {
    const n = layerNames(l);
    const a = s.layers[l] as LayerActs;
    linearBackward(rt, dge, grads.at(n.mlpW), grads.at(n.mlpB), dres, a.ge, p.at(n.mlpW), N, FF, d);
    rt.run('gelu_bwd', [dge, a.th, a.fc, dge, 0, N * FF], 4, N * FF * 4);
    linearBackward(rt, dsmall, grads.at(n.fcW), grads.at(n.fcB), dge, a.ln2, p.at(n.fcW), N, d, FF);
    layerNormBackward(rt, dres, grads.at(n.ln2w), grads.at(n.ln2b), dsmall, a.xm, a.m2, a.r2, p.at(n.ln2w), N, d);
    linearBackward(rt, dsmall, grads.at(n.projW), grads.at(n.projB), dres, a.att, p.at(n.projW), N, d, d);
    rt.f32(dqkv, N * 3 * d).fill(0);
    const m = rt.mark();
    const scratch = rt.floats(B * (dh + 1) * T);
    rt.run('attention_bwd', [dqkv, dsmall, a.P, a.qkv, 0, B, T, H, dh, scale, scratch], 4, B * H * T * T * dh * 3);
    rt.release(m);
    linearBackward(rt, dsmall, grads.at(n.attnW), grads.at(n.attnB), dqkv, a.ln1, p.at(n.attnW), N, d, 3 * d);
    layerNormBackward(rt, dres, grads.at(n.ln1w), grads.at(n.ln1b), dsmall, a.x, a.m1, a.r1, p.at(n.ln1w), N, d);
  }
  rt.run('embed_bwd', [grads.at(WTE), grads.at(WPE), dres, s.ids, s.pos, 0, d, N, d], 5, N * d * 2);
}
