/** Helpers shared by the tests (not exported from the package). */
import type { TinyLM } from './model.js';
import { Rng } from './rng.js';

/** Fill every parameter (biases and layer norms included) with N(0, scale) noise. */
export function randomizeParameters(model: TinyLM, seed: number, scale = 0.5): void {
  const store = model.paramStore();
  const rng = new Rng(seed);
  for (let i = 0; i < store.flat.length; i++) store.flat[i] = rng.normal() * scale;
  store.refresh();
}

/** Words of `length` letters from `alphabet`, distinct, in a seeded order. */
export function distinctWords(count: number, length: number, alphabet: string, seed: number): string[] {
  if (count > alphabet.length ** length) throw new Error(`only ${alphabet.length ** length} distinct words exist`);
  const rng = new Rng(seed);
  const out = new Set<string>();
  while (out.size < count) out.add(Array.from({ length }, () => alphabet[rng.int(alphabet.length)]).join(''));
  return [...out];
}
