import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { describe, expect, it } from 'vitest';
import { checkAgainstTransformers } from './test-hf.js';
import { pythonGate } from './test-python.js';

const gate = pythonGate('HF layout tests (transformers)', ['torch', 'transformers']);

describe.skipIf(!gate.run)(gate.title("the embedded world's base model in Hugging Face transformers"), () => {
  it('loads with AutoModelForCausalLM and AutoTokenizer, every weight present, and scores text as our TinyLM does', async () => {
    const { hf, ours } = await checkAgainstTransformers(gate.python, SHIPPED_BASE_MODEL);
    expect(hf).toMatchObject({ model_class: 'GPT2LMHeadModel', parameters: 214_720, missing: [], unexpected: [], mismatched: [], vocab_size: 101 });
    // float32 in both; the sums run over a handful of tokens: agreement to 1e-3 nats proves the same network and tokenizer.
    for (const [i, lp] of ours.entries()) expect(Math.abs(lp - hf.logprobs![i]!)).toBeLessThan(1e-3);
    process.stdout.write(`[runner-command] base model: transformers ${JSON.stringify(hf.logprobs)} vs TinyLM ${JSON.stringify(ours)}\n`);
  }, 300_000);
});
