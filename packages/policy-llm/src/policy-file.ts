import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { preflightOptions } from './factory.js';
import { type LlmPolicyOptions, LlmPolicyOptionsSchema } from './options.js';

/** A policy config kept in its own JSON file: `{ "name": "llm", "options": { "provider": "llama-cpp", ... } }`. */
export const PolicyFileSchema = z
  .object({
    name: z.literal('llm'),
    options: LlmPolicyOptionsSchema,
  })
  .strict();

export interface PolicyFile {
  name: 'llm';
  options: LlmPolicyOptions;
  /** The file's folder: relative paths in the options (model, prompts) resolve from here. */
  configDir: string;
  file: string;
}

/**
 * Reads and checks an `llm` policy config file (for comparisons of agent models: one file per agent).
 * Every problem is reported with the file and the field; a llama-cpp model file must exist.
 */
export function loadPolicyFile(file: string): PolicyFile {
  const abs = path.resolve(file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(abs, 'utf8'));
  } catch (e) {
    throw new TypeError(`${abs}: cannot read a JSON policy config: ${(e as Error).message}`);
  }
  const r = PolicyFileSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
    throw new TypeError(`${abs}: invalid policy config\n${lines.join('\n')}`);
  }
  const configDir = path.dirname(abs);
  const problems = preflightOptions(r.data.options, configDir);
  if (problems.length) throw new TypeError(`${abs}: invalid policy config\n${problems.map((p) => `  - options.${p.path}: ${p.message}`).join('\n')}`);
  return { name: 'llm', options: r.data.options, configDir, file: abs };
}
