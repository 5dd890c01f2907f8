import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TinyLM, sequenceLogProbs } from '@lamdagent/tinylm';
import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { describe, expect, it } from 'vitest';
import { pythonDir } from './runner.js';
import { pythonGate, runPythonJson } from './test-python.js';

const gate = pythonGate('HF layout tests (transformers)', ['torch', 'transformers']);

export interface HfCheck {
  model_class: string;
  parameters: number;
  missing: string[];
  unexpected: string[];
  mismatched: string[];
  tokenizer_class: string;
  vocab_size: number;
  logprobs?: number[];
}

export const PAIRS = [
  { prompt: 'Q: Ann has 3 pens and gets 4 more. How many pens? A:', completion: ' 7' },
  { prompt: 'Q: Which is a fruit? (A) rock (B) pear (C) car A:', completion: ' [[B]]' },
  { prompt: 'C: Kim lives in Oslo. Ann lives in Tokyo. Q: Where does Ann live? A:', completion: ' Tokyo' },
];

/** Loads `dir` in transformers (hf_check.py) and scores PAIRS there and with our TinyLM: both must agree. */
export async function checkAgainstTransformers(python: string, dir: string): Promise<{ hf: HfCheck; ours: number[] }> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'hf-check-'));
  writeFileSync(path.join(tmp, 'pairs.json'), JSON.stringify(PAIRS));
  const hf = runPythonJson<HfCheck>(python, pythonDir(), ['hf_check.py', dir, '--pairs', path.join(tmp, 'pairs.json')]);
  const model = await TinyLM.load(dir);
  try {
    const ours = await sequenceLogProbs(model, PAIRS.map((p) => p.prompt), PAIRS.map((p) => p.completion));
    return { hf, ours };
  } finally {
    model.dispose();
  }
}

describe.skipIf(!gate.run)(gate.title("the embedded world's base model in Hugging Face transformers"), () => {
  it('loads with AutoModelForCausalLM and AutoTokenizer, every weight present, and scores text as our TinyLM does', async () => {
    const { hf, ours } = await checkAgainstTransformers(gate.python, SHIPPED_BASE_MODEL);
    expect(hf).toMatchObject({ model_class: 'GPT2LMHeadModel', parameters: 214_720, missing: [], unexpected: [], mismatched: [], vocab_size: 101 });
    // float32 in both; the sums run over a handful of tokens: agreement to 1e-3 nats proves the same network and tokenizer.
    for (const [i, lp] of ours.entries()) expect(Math.abs(lp - hf.logprobs![i]!)).toBeLessThan(1e-3);
    process.stdout.write(`[runner-command] base model: transformers ${JSON.stringify(hf.logprobs)} vs TinyLM ${JSON.stringify(ours)}\n`);
  }, 300_000);
});
