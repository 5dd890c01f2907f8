import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Where scripts/ci/agent-llm.sh puts the real open-weight agent model (Gemma 3 270M, GGUF Q4_K_M, from PyPI). */
export function defaultAgentModelPath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env['LAMDAGENT_AGENT_GGUF'] ?? path.join(homedir(), '.cache', 'lamdagent', 'models', 'gemma-3-270m-q4_k_m.gguf');
}

/**
 * The agent model for tests and benchmarks that need a real one: its path, or undefined with the reason
 * printed (a developer machine without it skips). Under CI=true a missing model throws: CI must have it.
 */
export function agentModelOrSkip(what: string, env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const file = defaultAgentModelPath(env);
  if (existsSync(file)) return file;
  const why = `${what}: agent model ${file} is missing; install it with \`bash scripts/ci/agent-llm.sh\` (or set LAMDAGENT_AGENT_GGUF)`;
  if (env['CI'] === 'true') throw new Error(`${why} (CI=true: this is a failure, not a skip)`);
  process.stderr.write(`SKIP ${why}\n`);
  return undefined;
}
