// Throughput of @lamdagent/tinylm on the embedded world's workload shape. Run after `npx tsup`:
//   node bench/bench.mjs [--batch 16] [--examples 1000] [--prompts 300] [--new-tokens 16]
// Prints SFT tokens/s (one epoch over ~1,000 prompt+completion pairs of 40-90 characters) and
// generation tokens/s (300 prompts x 16 new tokens, greedy, KV cache). Wall and CPU time are both
// shown: on a shared machine the wall time includes waiting for the CPU.
import { TinyLM, sft, generate, sequenceLogProbs } from '../dist/index.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), Number(all[i + 1])]] : acc), []),
);
const batchSize = args.batch ?? 16;
const nExamples = args.examples ?? 1000;
const nPrompts = args.prompts ?? 300;
const newTokens = args['new-tokens'] ?? 16;

// Deterministic synthetic examples shaped like the embedded world's skills (40-90 characters).
let s = 12345;
const rand = (n) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
const words = ['apple', 'river', 'stone', 'cloud', 'green', 'seven', 'north', 'light', 'paper', 'quiet'];
const pick = () => words[rand(words.length)];
function example() {
  const kind = rand(3);
  if (kind === 0) {
    const a = rand(90) + 10, b = rand(90) + 10;
    const q = rand(2) === 0 ? `Compute ${a}+${b} and reply with the number: ` : `Question: what is ${a} plus ${b}? Answer with a number: `;
    return { prompt: q, completion: `${a + b}` };
  }
  if (kind === 1) {
    const n = 2 + rand(3);
    const opts = Array.from({ length: n }, (_, i) => `(${'ABCD'[i]}) ${pick()}`).join(' ');
    return { prompt: `Which is a colour? ${opts} `, completion: `[[${'ABCD'[rand(n)]}]]` };
  }
  const filler = Array.from({ length: rand(4) }, pick).join(' ');
  const w = pick();
  return { prompt: `Context: the ${w} is near the ${pick()} ${filler}. Q: what is near? A: `, completion: `the ${w}` };
}
const examples = Array.from({ length: nExamples }, example);
const lengths = examples.map((e) => e.prompt.length + e.completion.length);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

const model = await TinyLM.init({}, 1);
const c = model.config;
console.log(`model: n_embd ${c.nEmbd}, n_layer ${c.nLayer}, n_head ${c.nHead}, n_positions ${c.nPositions}, vocab ${c.vocabSize}, ${model.parameterCount} parameters`);
console.log(`data: ${nExamples} examples, ${Math.min(...lengths)}-${Math.max(...lengths)} characters (mean ${(lengths.reduce((a, b) => a + b, 0) / nExamples).toFixed(1)})`);

// Warm up (wasm compile, XNNPACK setup).
await sft(model, examples.slice(0, 32), { learningRate: 1e-3, epochs: 1, batchSize, seed: 0 });

let wall = performance.now(), cpu0 = cpu();
const m = await sft(model, examples, { learningRate: 2e-3, epochs: 1, batchSize, seed: 1 });
let w = (performance.now() - wall) / 1000, u = cpu() - cpu0;
console.log(`sft: 1 epoch, ${m.steps} steps of ${batchSize}, ${m.tokens} tokens in ${w.toFixed(2)} s wall (${u.toFixed(2)} s cpu): ` +
  `${Math.round(m.tokens / w)} tokens/s wall, ${Math.round(m.tokens / u)} tokens/s cpu; loss ${m.initialLoss.toFixed(2)} -> ${m.finalLoss.toFixed(2)}`);

const prompts = examples.slice(0, nPrompts).map((e) => e.prompt);
await generate(model, prompts.slice(0, 8), { maxNewTokens: 4 });
wall = performance.now(); cpu0 = cpu();
const outs = await generate(model, prompts, { maxNewTokens: newTokens, stop: ['\n'] });
w = (performance.now() - wall) / 1000; u = cpu() - cpu0;
const generated = outs.reduce((a, o) => a + o.length, 0);
console.log(`generate: ${nPrompts} prompts x up to ${newTokens} new tokens (${generated} generated) in ${w.toFixed(2)} s wall (${u.toFixed(2)} s cpu): ` +
  `${Math.round((nPrompts * newTokens) / w)} token-steps/s wall`);

wall = performance.now(); cpu0 = cpu();
await sequenceLogProbs(model, prompts, examples.slice(0, nPrompts).map((e) => e.completion));
w = (performance.now() - wall) / 1000; u = cpu() - cpu0;
console.log(`score: ${nPrompts} completions in ${w.toFixed(2)} s wall (${u.toFixed(2)} s cpu)`);
model.dispose();
