// One measured tinylm run for bench/bench.mjs: node bench/child.mjs JOB.json -> one JSON line.
import { readFile } from 'node:fs/promises';
// TINYLM_BENCH_DIST=/path/to/dist/index.js measures another build (e.g. an older tinylm, for before/after).
import { pathToFileURL } from 'node:url';

const dist = process.env.TINYLM_BENCH_DIST;
const { TinyLM, dpo, engineKernels, engineThreads, generate, setThreads, sft } = await import(dist ? pathToFileURL(dist).href : '../dist/index.js');
const job = JSON.parse(await readFile(process.argv[2], 'utf8'));
if (setThreads) await setThreads(job.threads);
const model = await TinyLM.load(job.modelDir);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const wasmOnly = engineKernels?.() === 'wasm-simd128' && process.env.LAMDAGENT_TINYLM_KERNELS === 'wasm';
const engine = dist ? 'tinylm baseline build' : `tinylm, ${engineThreads()} thread(s)${wasmOnly ? ', WebAssembly only' : ''}`;
let res;
if (job.mode === 'sft') {
  let last = NaN;
  const c0 = cpu();
  const m = await sft(model, job.examples, { ...job.options, onProgress: (p) => (last = p.loss) });
  res = { seconds: m.seconds, cpuSeconds: cpu() - c0, tokens: m.tokens, firstLoss: m.initialLoss, lastLoss: last };
} else if (job.mode === 'dpo') {
  // dpo() scores every pair with the reference, and with the policy before and after training; its
  // metrics' seconds cover the training loop only, and so does the CPU time taken here: from the
  // trainer's paramStore() call (the policy's last one before the first step) to the last step.
  const reference = model.clone();
  const store = model.paramStore.bind(model);
  let stepping = false;
  let cStore = NaN;
  let c0 = NaN;
  let c1 = NaN;
  let last = NaN;
  model.paramStore = () => {
    if (!stepping) cStore = cpu();
    return store();
  };
  const onProgress = (p) => {
    if (!stepping) {
      stepping = true;
      c0 = cStore;
    }
    last = p.loss;
    c1 = cpu();
  };
  const m = await dpo(model, reference, job.pairs, { ...job.options, onProgress });
  res = { seconds: m.seconds, cpuSeconds: c1 - c0, tokens: m.tokens, firstLoss: m.initialLoss, lastLoss: last };
} else {
  const t0 = performance.now();
  const c0 = cpu();
  const outputs = await generate(model, job.texts, { maxNewTokens: job.maxNewTokens, batchSize: job.batchSize });
  res = { seconds: (performance.now() - t0) / 1000, cpuSeconds: cpu() - c0, outputs };
}
res.peakRssMiB = process.resourceUsage().maxRSS / 1024;
res.engine = engine;
console.log(JSON.stringify(res));
