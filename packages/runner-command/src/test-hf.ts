/* Test helper: a model folder checked in transformers against our TinyLM (not part of the public entry). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TinyLM, sequenceLogProbs } from '@lamdagent/tinylm';
import { pythonDir } from './runner.js';
import { runPythonJson } from './test-python.js';

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
    const ours = await sequenceLogProbs(
      model,
      PAIRS.map((p) => p.prompt),
      PAIRS.map((p) => p.completion),
    );
    return { hf, ours };
  } finally {
    model.dispose();
  }
}
