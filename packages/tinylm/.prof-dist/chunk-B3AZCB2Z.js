// src/batching.ts
function checkTextFields(where, items, fields) {
  items.forEach((item, i) => {
    for (const f of fields) {
      if (typeof item[f] !== "string") throw new Error(`${where}[${i}].${f} must be a string`);
    }
  });
}
function countToken(seqs, id) {
  let n = 0;
  for (const s of seqs) for (const t of s.ids) if (t === id) n++;
  return n;
}
function encodePair(tok, prompt, completion, maxTokens, appendEos = true) {
  const p = tok.encode(prompt, true);
  const c = tok.encode(completion);
  if (appendEos) c.push(tok.eosId);
  let ids = [...p, ...c];
  let scoredFrom = p.length;
  if (ids.length > maxTokens) {
    const drop = Math.min(ids.length - maxTokens, Math.max(0, p.length - 1));
    ids = ids.slice(drop);
    scoredFrom -= drop;
    if (ids.length > maxTokens) ids = ids.slice(0, maxTokens);
  }
  return { ids, scoredFrom: Math.max(1, scoredFrom) };
}
function makeBatch(seqs, padId) {
  const B = seqs.length;
  const T = Math.max(1, ...seqs.map((s) => s.ids.length - 1));
  const inputs = new Int32Array(B * T).fill(padId);
  const positions = new Int32Array(B * T);
  const targets = new Int32Array(B * T).fill(padId);
  const weights = new Float32Array(B * T);
  let realTokens = 0;
  let scoredTokens = 0;
  seqs.forEach((s, b) => {
    const n = s.ids.length - 1;
    for (let t = 0; t < T; t++) positions[b * T + t] = t;
    for (let t = 0; t < n; t++) {
      inputs[b * T + t] = s.ids[t];
      targets[b * T + t] = s.ids[t + 1];
      if (t + 1 >= s.scoredFrom) {
        weights[b * T + t] = 1;
        scoredTokens++;
      }
    }
    realTokens += n;
  });
  return { B, T, inputs, positions, targets, weights, realTokens, scoredTokens };
}
function lengthGroupedBatches(lengths, batchSize, rng) {
  const order = rng.shuffle(lengths.map((_, i) => i));
  const window = batchSize * 32;
  const batches = [];
  for (let start = 0; start < order.length; start += window) {
    const chunk = order.slice(start, start + window).sort((a, b) => lengths[a] - lengths[b] || a - b);
    for (let i = 0; i < chunk.length; i += batchSize) batches.push(chunk.slice(i, i + batchSize));
  }
  return rng.shuffle(batches);
}

// src/adamw.ts
var AdamW = class {
  m;
  v;
  decayMask;
  t = 0;
  beta1;
  beta2;
  eps;
  weightDecay;
  maxGradNorm;
  constructor(specs, size, opts = {}) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
    this.decayMask = new Uint8Array(size);
    for (const s of specs) if (s.decay) this.decayMask.fill(1, s.offset, s.offset + s.size);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.maxGradNorm = opts.maxGradNorm ?? 1;
  }
  /** Apply one update to `params` in place; returns the gradient norm before clipping. */
  step(params, grads, lr) {
    let sq = 0;
    for (let i = 0; i < grads.length; i++) sq += grads[i] ** 2;
    const norm = Math.sqrt(sq);
    const scale = this.maxGradNorm > 0 && norm > this.maxGradNorm ? this.maxGradNorm / (norm + 1e-6) : 1;
    this.t++;
    const { beta1: b1, beta2: b2, eps, m, v, decayMask } = this;
    const c1 = 1 / (1 - b1 ** this.t);
    const c2 = 1 / (1 - b2 ** this.t);
    const decay = lr * this.weightDecay;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i] * scale;
      const mi = b1 * m[i] + (1 - b1) * g;
      const vi = b2 * v[i] + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      let p = params[i];
      if (decay !== 0 && decayMask[i] === 1) p -= decay * p;
      params[i] = p - lr * (mi * c1) / (Math.sqrt(vi * c2) + eps);
    }
    return norm;
  }
};
function learningRateAt(base, step, total, warmup, schedule) {
  if (warmup > 0 && step < warmup) return base * (step + 1) / warmup;
  if (schedule === "constant") return base;
  const span = Math.max(1, total - warmup);
  const progress = Math.min(1, (step - warmup) / span);
  if (schedule === "linear") return base * (1 - progress);
  return base * 0.5 * (1 + Math.cos(Math.PI * progress));
}

// src/progress.ts
function plannedSteps(opts, batchesPerEpoch) {
  const all = Math.max(0, Math.floor(opts.epochs * batchesPerEpoch));
  return opts.maxSteps !== void 0 ? Math.min(all, Math.max(0, Math.floor(opts.maxSteps))) : all;
}
function warmupSteps(opts, total) {
  const w = opts.warmup ?? 0;
  return w > 0 && w < 1 ? Math.round(w * total) : Math.floor(w);
}
function checkOptions(opts, where) {
  const bad = [];
  if (!(opts.learningRate > 0) || !Number.isFinite(opts.learningRate)) bad.push("learningRate must be a positive number");
  if (!(opts.epochs > 0)) bad.push("epochs must be > 0");
  if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) bad.push("batchSize must be a positive integer");
  if (!Number.isFinite(opts.seed)) bad.push("seed must be a number");
  if (bad.length > 0) throw new Error(`${where}: ${bad.join("; ")}`);
}
function yieldToEventLoop() {
  return new Promise((resolve) => setImmediate(resolve));
}

// src/rng.ts
var Rng = class {
  state;
  spare;
  constructor(seed) {
    let z = (Math.trunc(seed) ^ 2654435769) >>> 0;
    z = Math.imul(z ^ z >>> 16, 2246822507) >>> 0;
    z = Math.imul(z ^ z >>> 13, 3266489909) >>> 0;
    this.state = (z ^ z >>> 16) >>> 0;
  }
  /** Uniform in [0, 1). */
  next() {
    this.state = this.state + 1831565813 >>> 0;
    let t = this.state;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  }
  /** Integer in [0, n). */
  int(n) {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box-Muller, caches the second value). */
  normal() {
    if (this.spare !== void 0) {
      const v2 = this.spare;
      this.spare = void 0;
      return v2;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
  /** In-place Fisher-Yates shuffle; returns the same array. */
  shuffle(items) {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
};

export {
  checkTextFields,
  countToken,
  encodePair,
  makeBatch,
  lengthGroupedBatches,
  AdamW,
  learningRateAt,
  plannedSteps,
  warmupSteps,
  checkOptions,
  yieldToEventLoop,
  Rng
};
//# sourceMappingURL=chunk-B3AZCB2Z.js.map