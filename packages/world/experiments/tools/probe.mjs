#!/usr/bin/env node
/**
 * Tools world: making tool use learnable (issue 14 item 3). Like scripts/tools-probe.mjs, but the pool
 * holds the world's datasets (seed 0) plus VARIANT datasets drawn here, so a variant can be measured
 * before it goes into src/:
 *
 *   tgt      the target task's own distribution (two signatures, target wording, JSON) — the ceiling, not a design
 *   json2    tool-json with two signatures listed (other wording, JSON)
 *   json1t   one signature listed, the target's wording, JSON
 *   sub      the target's shape and JSON, but the called function is one of temp/buy/book/call (target: all 7)
 *   py1      tool-python with one signature listed
 *   replay   the first --size examples of sft/instruct (the base's own instruction data)
 *   a+b      the shuffled union of datasets a and b
 *   allv     json2, tool-python, tool-react and general, shuffled (the union of the pool with json2 for tool-json)
 *   all+X    the world's `all` plus dataset X, shuffled (naive SFT on the union of a variant pool)
 *
 *   cd packages/world && npx tsup && node experiments/tools/probe.mjs [--tool-mix] [--json-two] [--mix-target] [--split validation|test] [--limit N] [--size N] [--warmup F] PIPELINE...
 *
 * PIPELINE: comma-separated `sft:<dataset>@<lr>x<epochs>` / `dpo:<instruct|tools>@<lr>` / `ties:<w>` (TIES merge (not normalized) of
 * the current model's task vector against the base, weight w; density 0.5) / `lin:<w>` (linear merge w * current + (1 - w) * base) / `save:<dir>`. --start DIR begins every
 * pipeline from a saved model (the base stays the shipped instruction-tuned model, for merges).
 */
import { Rng } from '@lamdagent/core/kit';
import { TinyLM } from '@lamdagent/tinylm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateToolsData, SHIPPED_TOOLS_BASE_MODEL, TOOL_FUNCTIONS, signature, callJson, callPython } from '../../dist/index.js';
import { runPipeline, scoreTools } from '../../scripts/pipeline.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    base: { type: 'string' },
    limit: { type: 'string', default: '300' },
    size: { type: 'string', default: '500' },
    warmup: { type: 'string', default: '0' },
    show: { type: 'string', default: '0' },
    start: { type: 'string' },
    'tool-mix': { type: 'boolean', default: false },
    'json-two': { type: 'boolean', default: false },
    'mix-target': { type: 'boolean', default: false },
    split: { type: 'string', default: 'validation' },
  },
});
const tmp = mkdtempSync(join(tmpdir(), 'tools-exp-'));
// --tool-mix / --json-two: the opt-in design (sft/tool-mix.jsonl, also in `all`; tool-json with two signatures
// listed); the eval splits are the same either way.
const data = await generateToolsData(join(tmp, 'data'), {
  seed: 0,
  ...(values['tool-mix'] ? { toolMix: true } : {}),
  ...(values['json-two'] ? { toolJsonListing: 'two' } : {}),
  ...(values['mix-target'] ? { toolMixWording: 'target' } : {}),
});
const read = (file) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
const limit = Number(values.limit);
if (values.split !== 'validation' && values.split !== 'test') throw new Error(`--split: validation or test, not ${values.split}`);
const tools = read(data.eval.tool_call[values.split]).slice(0, limit);
const inst = read(data.eval.instruct[values.split]).slice(0, limit);
const evalPrompts = new Set([...read(data.eval.tool_call.validation), ...read(data.eval.tool_call.test)].map((x) => x.prompt));

const fill = (t, vals) => t.replace(/\{(\d)\}/g, (_, i) => String(vals[Number(i)]));
const SUB = ['temp', 'buy', 'book', 'call'];
function variant(kind, r) {
  const pool = kind === 'sub' ? TOOL_FUNCTIONS.filter((f) => SUB.includes(f.name)) : TOOL_FUNCTIONS;
  const f = r.pick(pool);
  const g = r.pick(TOOL_FUNCTIONS.filter((x) => x !== f));
  const vals = f.draw(r);
  const call = { fn: f, values: vals };
  const two = (r.next() < 0.5 ? [f, g] : [g, f]).map(signature).join(' ');
  const one = signature(f);
  const target = fill(r.pick(f.ask), vals);
  const other = fill(r.pick(f.askOther), vals);
  switch (kind) {
    case 'tgt':
    case 'sub':
      return { prompt: `F: ${two} U: ${target} A:`, completion: ` ${callJson(call)}` };
    case 'json2':
      return { prompt: `F: ${two} U: ${other} A:`, completion: ` ${callJson(call)}` };
    case 'json1t':
      return { prompt: `F: ${one} U: ${target} A:`, completion: ` ${callJson(call)}` };
    case 'py1':
      return { prompt: `F: ${one} U: ${target} A:`, completion: ` ${callPython(call)}` };
    default:
      throw new Error(`unknown variant ${kind}`);
  }
}
const cache = new Map();
function dataset(name) {
  if (cache.has(name)) return cache.get(name);
  let out;
  if (data.sft[name]) out = read(data.sft[name]);
  else if (name === 'replay') {
    // 500 examples of the base's own instruction data (instructions, records, plans), like a general chat set in the pool.
    out = read(data.sft.instruct).slice(0, Number(values.size));
  } else if (name.includes('+')) {
    // a+b: the shuffled union of datasets a and b.
    out = Rng.labelled(0, 'tools-exp', 'mix', name).shuffle(name.split('+').flatMap((p) => dataset(p)));
  } else if (name === 'allv') {
    // The union of a variant pool: tool-json replaced by json2 (two signatures listed).
    out = Rng.labelled(0, 'tools-exp', 'union', name).shuffle([...dataset('json2'), ...['tool-python', 'tool-react', 'general'].flatMap((p) => dataset(p))]);
  } else if (name.startsWith('all+')) {
    const parts = name.slice(4).split('+');
    out = Rng.labelled(0, 'tools-exp', 'union', name).shuffle([...read(data.sft.all), ...parts.flatMap((p) => dataset(p))]);
  } else {
    const r = Rng.labelled(0, 'tools-exp', name);
    const seen = new Set();
    out = [];
    for (let a = 0; out.length < Number(values.size); a++) {
      if (a > 100000) throw new Error(`${name}: only ${out.length} distinct prompts`);
      const x = variant(name, r);
      if (seen.has(x.prompt) || evalPrompts.has(x.prompt)) continue;
      seen.add(x.prompt);
      out.push(x);
    }
  }
  cache.set(name, out);
  return out;
}

async function measure(model) {
  const { toolReplies: tp, instReplies: ip, ok, tool, judge } = await scoreTools(model, tools, inst);
  for (let i = 0; i < Number(values.show); i++) console.log(`   ${inst[i].prompt} -> ${ip[i]}`);
  for (let i = 0; i < Number(values.show); i++) console.log(`   ${tools[i].prompt} -> ${tp[i]}   (gold ${tools[i].answer})`);
  const inSub = tools.map((x) => SUB.includes(JSON.parse(x.answer).name));
  const part = (want) => {
    const idx = ok.filter((_, i) => inSub[i] === want);
    return `${(idx.filter(Boolean).length / Math.max(1, idx.length)).toFixed(3)}/${idx.length}`;
  };
  console.log(`   tool_call on temp/buy/book/call ${part(true)}, on cook/hire/pay ${part(false)}`);
  return { tool, judge, reward: (tool + judge / 10) / 2 };
}

for (const pipeline of positionals.length ? positionals : ['']) {
  const baseDir = values.base ?? SHIPPED_TOOLS_BASE_MODEL;
  const start = await TinyLM.load(values.start ?? baseDir);
  const t0 = Date.now();
  const { model, seconds } = await runPipeline(start, pipeline, {
    sftRows: dataset,
    preferenceRows: (name) => read(data.preference[name]),
    warmup: Number(values.warmup),
    baseDir,
    tmp,
  });
  const r = await measure(model);
  console.log(
    `${(pipeline || 'base').padEnd(52)} n ${tools.length}/${inst.length}  tool_call ${r.tool.toFixed(3)}  judge ${r.judge.toFixed(2)}  reward ${r.reward.toFixed(3)}  train ${seconds.toFixed(1)} s  wall ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  model.dispose();
}
rmSync(tmp, { recursive: true, force: true });
