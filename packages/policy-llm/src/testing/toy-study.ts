import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JsonValue } from '@lamdagent/core';
import { makeToyStudy as makeTestkitToyStudy, type ToyStudy } from '@lamdagent/testkit';

const THIS_PLUGIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../index.ts');

/**
 * testkit's toy study (JSON-vector models, SFT toward a dataset target, merging, closeness scores) with
 * this plugin loaded and a dataset the runner rejects (a failed trial), for the policy's integration
 * tests: every part of the loop runs in milliseconds, so the agent LLM's time is what is measured. Not
 * exported from the package.
 */
export function makeToyStudy(policy: { name: string; options: Record<string, JsonValue> }, iterations: number, seed = 7): ToyStudy {
  return makeTestkitToyStudy({
    policy,
    iterations,
    seed,
    plugins: [THIS_PLUGIN],
    datasets: { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, broken: { fail: 'tokenizer mismatch' } },
  });
}
