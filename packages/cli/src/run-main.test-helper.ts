import { main } from './cli.js';

/** Runs the CLI in-process with captured output (no environment): the exit code a thrown usage error carries, else 1. */
export async function runCli(argv: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  let code: number;
  try {
    code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd });
  } catch (e) {
    err.push((e as Error).message);
    code = (e as { exitCode?: number }).exitCode ?? 1;
  }
  return { code, out: out.join('\n'), err: err.join('\n') };
}
