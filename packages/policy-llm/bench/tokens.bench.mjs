#!/usr/bin/env node
// Token benchmark: input tokens per iteration of the llm policy in an Experiment-2-like study
// (9 SFT datasets, one instruction-tuned base model, SFT and TIES, pool growing to ~100 produced
// models), counted with js-tiktoken's o200k_base (GPT-4o's tokenizer), beside the paper's figure.
//
//   npx turbo run build --filter=@lamdagent/policy-llm...   (builds core and this package)
//   node packages/policy-llm/bench/tokens.bench.mjs [--iterations 100] [--json] [--show]
//
// The study is synthetic (random untried actions, random rewards, 6% failures with long logs) and the
// agent is scripted, so no server is needed; the prompts are the real ones the policy sends.
import { createHash } from 'node:crypto';
import { ActionSpace, ObjectPool } from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { createLlmPolicy } from '../dist/index.js';

const args = process.argv.slice(2);
const ITERATIONS = Number(args[args.indexOf('--iterations') + 1] || 100) || 100;
const JSON_OUT = args.includes('--json');
const SHOW = args.includes('--show'); // print the three prompts of the last iteration
const CHECKPOINTS = [10, 50, 100].filter((c) => c <= ITERATIONS);
// Paper, Appendix A (Table 5): 7.28M input tokens over 100 iterations of Experiment 2's setting.
const PAPER = { type: 18_440, objects: 18_800, memory: 35_480, total: 72_800 };

const enc = new Tiktoken(o200k);
const chatTokens = (messages) => 3 + messages.reduce((n, m) => n + 3 + enc.encode(m.role).length + enc.encode(m.content).length, 0);
const digest = (s) => createHash('sha256').update(s).digest('hex');

// --- The Experiment-2-like world -------------------------------------------------------------
const DATASETS = [
  'Toolbench react10p',
  'Toolbench tflan 60p r10r5u7',
  'Toolbench tflan cot 30p',
  'Agent instruct react',
  'Agent instruct tflan',
  'Toolbench instruct j1s1 3k',
  'Toolbench negative',
  'ToolACE',
  'WizardLM',
];
const obj = (kind, n, type, name, value) => ({ id: `${kind}/${n}`, kind, type, name, value, digest: digest(`${kind}/${name}`) });
const pool = new ObjectPool([
  obj('base_models', 0, 'model', 'gemma-2-2b-it', '/models/gemma-2-2b-it'),
  obj('models', 0, 'model', 'gemma-2-2b-it', '/models/gemma-2-2b-it'),
  ...DATASETS.map((d, i) => obj('sft_dataset', i, 'dataset', d, `/data/${i}`)),
  obj('sft_lr', 0, 'number', '1e-06', 1e-6),
  obj('ties_weights', 0, 'json', '[0.5,0.5]', [0.5, 0.5]),
  obj('ties_density', 0, 'number', '0.5', 0.5),
]);
const SFT = {
  type: 'sft',
  description: 'Supervised fine-tuning of a model on a dataset (full fine-tuning, 1 epoch).',
  runner: 'trl-sft',
  slots: [
    { name: 'model', type: 'model' },
    { name: 'dataset', type: 'dataset' },
    { name: 'learning_rate', type: 'number' },
  ],
};
const TIES = {
  type: 'ties',
  aliases: ['ties_merging'],
  description: 'TIES merging of two models relative to a base model.',
  runner: 'ties',
  slots: [
    { name: 'base_model', type: 'model' },
    { name: 'models', type: 'model', repeat: { min: 2, max: 2 } },
    { name: 'ties_weights', type: 'json' },
    { name: 'ties_density', type: 'number' },
  ],
};
const bindings = [
  {
    name: 'sft',
    definition: SFT,
    kinds: ['models', 'sft_dataset', 'sft_lr'],
    slotNames: ['model', 'dataset', 'learning_rate'],
    unordered: [],
    params: {},
    produces: 'models',
    runner: 'trl-sft',
  },
  {
    name: 'ties_merging',
    definition: TIES,
    kinds: ['base_models', 'models', 'models', 'ties_weights', 'ties_density'],
    slotNames: ['base_model', 'models', 'models', 'ties_weights', 'ties_density'],
    unordered: [[1, 2]],
    params: {},
    produces: 'models',
    runner: 'ties',
  },
];
const space = new ActionSpace(pool, bindings, () => '1');

// --- A scripted agent that answers a planned action and writes a full-length memory -------------
const MEMORY_SENTENCES = [
  'SFT on Agent instruct tflan then ToolACE gives the best AceBench so far while MT-Bench holds near the base model.',
  'Merging 0--41--0 with 0--57--0 kept instruction following but lost some tool accuracy; merges of two tool specialists are worth one more try.',
  'Toolbench negative and WizardLM alone lower AceBench; avoid them as the last step.',
  'TIES with the base model as reference works better on produced models than on the base itself.',
  'Trial 23 failed with CUDA out of memory on the merged model; merges of merges are fine, the failure came from the long-context dataset.',
  'Next: continue the best chain (0--88--0) with Toolbench tflan 60p r10r5u7, and try an untried dataset order such as ToolACE before Agent instruct react.',
  'Repeated SFT on ToolACE saturates after two rounds; a third round only adds noise.',
];
let plan;
const seen = [];
const provider = {
  name: 'bench',
  async chat({ messages }) {
    const first = messages[0].content;
    const step = first.includes('# New result') ? 'memory' : first.includes('# Candidate lists') ? 'objects' : 'type';
    seen.push({ step, tokens: chatTokens(messages), prompt: first });
    if (step === 'type') return { text: `Recent trials favour SFT chains on tool data, but merges are under-explored. [[${plan.type}]]` };
    if (step === 'objects') return { text: `Continue the strongest lineage with an untried dataset. [[${plan.objects.join(', ')}]]` };
    let text = '';
    for (let i = 0; text.length < 2100; i++) text += `${MEMORY_SENTENCES[i % MEMORY_SENTENCES.length]} `;
    return { text };
  },
};
const policy = await createLlmPolicy(
  { model: 'gpt-4o-2024-08-06', baseURL: 'http://127.0.0.1:9/v1' },
  { configDir: process.cwd(), seed: 42, env: {} },
  { provider },
);

// --- The study ---------------------------------------------------------------------------------
const history = [];
const tried = new Set();
const signal = new AbortController().signal;
const ctxFor = (iteration) => ({ iteration, space, pool: pool.all(), history, pending: [], rng: new Rng(42, iteration), signal });
const available = () => bindings.map((_, i) => i).filter((i) => space.countFor(i) > 0);

function planFor(rng, binding) {
  for (;;) {
    const b = binding ?? rng.pick(available());
    const action = space.atFor(b, rng.int(space.countFor(b)));
    if (tried.has(action.key)) continue;
    const avail = available();
    return { action, type: avail.indexOf(b), objects: action.inputs.map((o, p) => space.candidates(b, p).findIndex((c) => c.id === o.id)), binding: b };
  }
}

async function selectTokens(iteration, p) {
  plan = p;
  seen.length = 0;
  const sel = await policy.select(ctxFor(iteration));
  if (sel.fallback || sel.action.key !== p.action.key) throw new Error(`bench: selection diverged at ${iteration}: ${sel.fallback ?? sel.action.key}`);
  return {
    type: seen.filter((s) => s.step === 'type').reduce((a, s) => a + s.tokens, 0),
    objects: seen.filter((s) => s.step === 'objects').reduce((a, s) => a + s.tokens, 0),
  };
}

const rows = [];
let studyTotal = 0;
const rng = new Rng(2024);
for (let t = 0; t < ITERATIONS; t++) {
  const p = planFor(rng);
  const tokens = await selectTokens(t, p);
  const selectSeen = [...seen];
  let objectsByType;
  if (CHECKPOINTS.includes(t + 1)) {
    // Measure the objects prompt of both action types; report the larger.
    objectsByType = {};
    for (const b of available())
      objectsByType[bindings[b].name] = b === p.binding ? tokens.objects : (await selectTokens(t, planFor(new Rng(t, b), b))).objects;
  }
  const a = p.action;
  const fail = rng.next() < 0.06;
  const rec = {
    index: t,
    state: fail ? 'failed' : 'complete',
    action: { name: a.name, type: a.type, key: a.key, inputs: a.inputs.map((o) => ({ id: o.id, name: o.name, kind: o.kind })), params: a.params },
    scores: {},
    startedAt: new Date(0).toISOString(),
    durations: {},
    metrics: {},
  };
  if (fail) {
    rec.error = {
      type: 'ExitCode',
      message: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
      logExcerpt: 'Traceback (most recent call last):\n'.repeat(40) + '  File "train.py", line 212, in <module>\ntorch.OutOfMemoryError: CUDA out of memory.',
    };
  } else {
    const ace = 0.35 + 0.3 * rng.next();
    const mt = 0.7 + 0.15 * rng.next();
    rec.scores = { acebench: Math.round(ace * 1000) / 1000, mtbench: Math.round(mt * 1000) / 1000 };
    rec.reward = (ace + mt) / 2;
    const produced = {
      id: `t${t}`,
      kind: 'models',
      type: 'model',
      name: `0--${t}--0`,
      value: `/study/artifacts/t${t}`,
      digest: digest(`t${t}`),
      provenance: { trial: t, actionKey: a.key, action: a.name, inputs: a.inputs.map((o) => o.id) },
    };
    pool.add(produced);
    rec.produced = { id: produced.id, name: produced.name, path: produced.value };
  }
  tried.add(a.key);
  history.push(rec);
  seen.length = 0;
  await policy.observe(rec, ctxFor(t));
  const memory = seen.reduce((n, s) => n + s.tokens, 0);
  const total = tokens.type + tokens.objects + memory;
  studyTotal += total;
  if (SHOW && t === ITERATIONS - 1) {
    for (const s of [...selectSeen, ...seen]) console.error(`\n===== ${s.step} prompt (${s.tokens} tokens) =====\n${s.prompt}`);
  }
  if (objectsByType) {
    const worstObjects = Math.max(...Object.values(objectsByType));
    rows.push({
      iteration: t + 1,
      producedModels: pool.ofKind('models').length - 1,
      type: tokens.type,
      objects: tokens.objects,
      objectsByType,
      memory,
      total,
      worstCase: tokens.type + worstObjects + memory,
    });
  }
}

if (JSON_OUT) {
  console.log(JSON.stringify({ tokenizer: 'o200k_base', paperPerIteration: PAPER, rows, studyTotal, iterations: ITERATIONS }, null, 2));
} else {
  const pad = (s, n) => String(s).padStart(n);
  const k = (n) => `${(n / 1000).toFixed(1)}k`;
  console.log(`llm policy: input tokens per iteration (o200k_base), Experiment-2-like study, ${ITERATIONS} iterations`);
  console.log(
    `paper (Appendix A): ${k(PAPER.total)} per iteration on average (type ${k(PAPER.type)}, objects ${k(PAPER.objects)}, memory ${k(PAPER.memory)}); goal: <= ${k(PAPER.total / 4)} at iteration 100\n`,
  );
  console.log(
    `${pad('iter', 5)} ${pad('models', 7)} ${pad('type', 7)} ${pad('objects', 16)} ${pad('memory', 7)} ${pad('total', 7)} ${pad('worst', 7)} ${pad('paper', 7)} ${pad('ratio', 6)}`,
  );
  for (const r of rows) {
    const objs = `${r.objects} (max ${Math.max(...Object.values(r.objectsByType))})`;
    console.log(
      `${pad(r.iteration, 5)} ${pad(r.producedModels, 7)} ${pad(r.type, 7)} ${pad(objs, 16)} ${pad(r.memory, 7)} ${pad(r.total, 7)} ${pad(r.worstCase, 7)} ${pad(k(PAPER.total), 7)} ${pad((r.worstCase / PAPER.total).toFixed(3), 6)}`,
    );
  }
  console.log(
    `\nwhole study: ${(studyTotal / 1e6).toFixed(2)}M input tokens over ${ITERATIONS} iterations (paper: 7.28M); ratio ${(studyTotal / 7.28e6).toFixed(3)}`,
  );
  console.log('worst = type + the larger objects prompt of sft and ties_merging + memory; ratio = worst / paper average.');
}
