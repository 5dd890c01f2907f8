import { access, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportOnnx, sft, TinyLM } from '@lamdagent/tinylm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxBackend } from './onnx.js';
import { createTinyBackend } from './tiny.js';
import { tinylmRuntime } from './tinylm-runtime.js';

/**
 * The onnx backend against the tiny backend on the same models: a small GPT-2 trained for a few
 * seconds (so its greedy outputs are words, not one repeated character) and the embedded world's base
 * model, exported with tinylm's exportOnnx. Greedy generations must be identical.
 */
const WORDS = ['apple', 'river', 'stone', 'cloud', 'green', 'seven', 'north', 'light'];
const trainPrompts = WORDS.flatMap((w, i) =>
  [`Q: after ${w}? A:`, `Q: the word ${w} then? A:`].map((p) => ({ prompt: p, completion: ` ${WORDS[(i + 1) % WORDS.length]} ${w}.` })),
);
// Different lengths, so batches are left-padded; two prompts are longer than the context (32) allows.
const PROMPTS = [
  'Q: after apple? A:',
  'Q: the word cloud then? A:',
  'Q: after north? A:',
  'Q: x',
  '',
  'Q: after light? A: light',
  'Q: the word seven then? A:',
  `${'long prefix '.repeat(5)}Q: after green? A:`,
  'Q: after stone? A:',
  'Q: after river? A:',
];

const worldModel = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../world/assets/base-model');
const hasWorld = await access(path.join(worldModel, 'model.safetensors')).then(
  () => true,
  () => false,
);

let dir: string;
let trained: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'onnx-int-'));
  const model = await TinyLM.init({ nEmbd: 32, nLayer: 2, nHead: 4, nPositions: 32 }, 7);
  await sft(model, trainPrompts, { learningRate: 1e-2, epochs: 60, batchSize: 8, seed: 1, warmup: 5 });
  trained = path.join(dir, 'trained');
  await model.save(trained);
  model.dispose();
  await exportOnnx(trained);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('onnx backend on a trained tiny model', () => {
  it('generates exactly what the tiny backend generates (batched, left-padded, truncated prompts)', async () => {
    const tiny = await createTinyBackend({ batchSize: 4 }, tinylmRuntime()).generate(trained, PROMPTS, { maxNewTokens: 12, stop: ['.'] });
    const onnx = await createOnnxBackend({ batchSize: 3 }).generate(trained, PROMPTS, { maxNewTokens: 12, stop: ['.'] });
    expect(onnx).toEqual(tiny);
    // Not trivial: the model learnt words, outputs differ between prompts.
    expect(new Set(onnx).size).toBeGreaterThan(3);
    expect(onnx.filter((t) => /^ [a-z]+ [a-z]+$/.test(t)).length).toBeGreaterThan(4);
  });

  it('gives the same texts whatever the batch size, and cuts at stop sequences (excluded)', async () => {
    const alone = await createOnnxBackend({ batchSize: 1 }).generate(trained, PROMPTS, { maxNewTokens: 12, stop: ['.'] });
    const together = await createOnnxBackend({ batchSize: 64 }).generate(trained, PROMPTS, { maxNewTokens: 12, stop: ['.'] });
    expect(together).toEqual(alone);
    const [free] = (await createOnnxBackend({}).generate(trained, ['Q: after apple? A:'], { maxNewTokens: 12 })) as [string];
    expect(free.length).toBeGreaterThan(5);
    expect(free.length).toBeLessThanOrEqual(12);
    const stop = free.slice(3, 5);
    const cut = await createOnnxBackend({}).generate(trained, ['Q: after apple? A:'], { maxNewTokens: 12, stop: ['never there', stop] });
    expect(cut).toEqual([free.slice(0, free.indexOf(stop))]);
    const short = await createOnnxBackend({}).generate(trained, ['Q: after apple? A:'], { maxNewTokens: 3 });
    expect(short).toEqual([free.slice(0, 3)]);
    expect(await createOnnxBackend({}).generate(trained, ['a', 'b'], { maxNewTokens: 0 })).toEqual(['', '']);
  });

  it('stops between steps when aborted', async () => {
    const backend = createOnnxBackend({ batchSize: 1 });
    await backend.generate(trained, ['warm'], { maxNewTokens: 1 }); // load once
    const c = new AbortController();
    const run = backend.generate(trained, PROMPTS, { maxNewTokens: 12, signal: c.signal });
    setImmediate(() => c.abort(new Error('aborted by the test')));
    await expect(run).rejects.toThrow('aborted by the test');
  });
});

describe.skipIf(!hasWorld)('onnx backend on the embedded world base model', () => {
  it('generates exactly what the tiny backend generates', async () => {
    const copy = path.join(dir, 'world-base');
    await cp(worldModel, copy, { recursive: true });
    await exportOnnx(copy);
    const prompts = [
      'Question: what is 12 plus 7? Answer with a number: ',
      'Compute 40+2 and reply with the number: ',
      'Which is a colour? (A) apple (B) green (C) stone ',
      'Context: the river is near the stone. Q: what is near? A: ',
      'The',
      '',
    ];
    const tiny = await createTinyBackend({}, tinylmRuntime()).generate(copy, prompts, { maxNewTokens: 16 });
    const onnx = await createOnnxBackend({}).generate(copy, prompts, { maxNewTokens: 16 });
    expect(onnx).toEqual(tiny);
    expect(onnx.filter((t) => t.length > 0).length).toBeGreaterThan(2);
  });
});
