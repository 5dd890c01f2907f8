#!/usr/bin/env node
// Merge throughput of the built package (dist) on a generated Llama-shaped checkpoint.
// Usage: npx tsup && node bench/merge.bench.mjs [--dtype BF16|F16|F32] [--mb 200] [--method ties|task_arithmetic|linear] [--density 0.5] [--chunk ELEMENTS]
// Writes a base and 3 fine-tuned models of about --mb MB each (base sharded in 100 MB shards) into a
// temporary folder, TIES-merges them, prints MB/s, and removes everything.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeFromFloat32, writeSharded } from '@lamdagent/safetensors';
import { mergeCheckpoints } from '../dist/index.js';

const { values: args } = parseArgs({
  options: {
    dtype: { type: 'string', default: 'BF16' },
    mb: { type: 'string', default: '200' },
    method: { type: 'string', default: 'ties' },
    density: { type: 'string', default: '0.5' },
    chunk: { type: 'string' },
  },
});
const dtype = args.dtype;
const bytesPer = dtype === 'F32' ? 4 : 2;
const targetBytes = Number(args.mb) * 1e6;

// Llama-like: hidden 1024, MLP 2816, vocab 8192; as many layers as fit the target size.
const hidden = 1024;
const mlp = 2816;
const vocab = 8192;
const perLayer = 4 * hidden * hidden + 3 * hidden * mlp + 2 * hidden;
const layers = Math.max(1, Math.round((targetBytes / bytesPer - 2 * vocab * hidden) / perLayer));
const arch = [{ name: 'model.embed_tokens.weight', shape: [vocab, hidden] }];
for (let l = 0; l < layers; l++) {
  const p = `model.layers.${l}`;
  for (const m of ['q', 'k', 'v', 'o']) arch.push({ name: `${p}.self_attn.${m}_proj.weight`, shape: [hidden, hidden] });
  arch.push({ name: `${p}.mlp.gate_proj.weight`, shape: [mlp, hidden] });
  arch.push({ name: `${p}.mlp.up_proj.weight`, shape: [mlp, hidden] });
  arch.push({ name: `${p}.mlp.down_proj.weight`, shape: [hidden, mlp] });
  arch.push({ name: `${p}.input_layernorm.weight`, shape: [hidden] });
  arch.push({ name: `${p}.post_attention_layernorm.weight`, shape: [hidden] });
}
arch.push({ name: 'model.norm.weight', shape: [hidden] }, { name: 'lm_head.weight', shape: [vocab, hidden] });

/** Deterministic values: base ~ U(-0.05, 0.05). */
function values(name, n, seed) {
  let s = (seed * 2654435761 + name.length * 40503 + n) >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 0.1;
  }
  return out;
}

async function writeModel(dir, seed, maxShardBytes) {
  const tensors = arch.map(({ name, shape }) => ({
    name,
    dtype,
    shape,
    data: () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const v = values(name, n, 0);
      if (seed > 0) {
        // Fine-tuned: base plus a tenth of the base shifted by a per-model offset (cheap, varied signs).
        const shift = (seed * 7919) % n;
        const noisy = new Float32Array(n);
        for (let i = 0; i < n; i++) noisy[i] = v[i] + 0.1 * v[(i + shift) % n];
        return encodeFromFloat32(noisy, dtype, name);
      }
      return encodeFromFloat32(v, dtype, name);
    },
  }));
  await writeSharded(dir, tensors, { maxShardBytes });
  await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'llama', hidden_size: hidden, num_hidden_layers: layers }));
}

const root = await mkdtemp(join(tmpdir(), 'ties-bench-'));
try {
  const t0 = performance.now();
  const base = join(root, 'base');
  await writeModel(base, 0, 100e6);
  const models = [];
  for (let k = 1; k <= 3; k++) {
    const dir = join(root, `model-${k}`);
    await writeModel(dir, k, 5e9);
    models.push(dir);
  }
  const genSec = (performance.now() - t0) / 1000;
  const weights = [0.4, 0.3, 0.3];
  const merge =
    args.method === 'ties'
      ? { method: 'ties', weights, density: Number(args.density) }
      : args.method === 'task_arithmetic'
        ? { method: 'task_arithmetic', weights }
        : { method: 'linear', weights };
  const cpuBefore = process.cpuUsage();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const result = await mergeCheckpoints({
    merge,
    base,
    models,
    outputDir: join(root, 'out'),
    chunkElements: args.chunk === undefined ? undefined : Number(args.chunk),
    onProgress: () => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
  });
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const mb = result.bytesWritten / 1e6;
  console.log(
    `${args.method} ${dtype}${args.chunk ? ` (tensors over ${args.chunk} elements chunked)` : ''}: ${result.tensors} tensors, ${mb.toFixed(0)} MB model (base in ${result.files.length - 1 || 1} shards + 3 models, ` +
      `${(result.bytesRead / 1e6).toFixed(0)} MB read) merged in ${result.seconds.toFixed(2)} s`,
  );
  console.log(`throughput: ${result.mbPerSec.toFixed(1)} MB/s of merged model, ${(result.bytesRead / 1e6 / result.seconds).toFixed(1)} MB/s read`);
  console.log(`CPU time: ${cpuSec.toFixed(2)} s (${(mb / cpuSec).toFixed(1)} MB/s per CPU second; the wall-clock figure depends on load)`);
  console.log(`peak RSS during merge: ${(peakRss / 1e6).toFixed(0)} MB (generation took ${genSec.toFixed(1)} s, files in page cache)`);
} finally {
  await rm(root, { recursive: true, force: true });
}
