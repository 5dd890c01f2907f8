import { createInterface } from 'node:readline/promises';

/**
 * `init`'s questions on a terminal: when stdin and stderr are TTYs, an `ask` that prints the question
 * with its default on stderr and reads one line (Enter keeps the default); otherwise nothing (flags decide).
 */
export function terminalAsk(
  stdin: NodeJS.ReadStream = process.stdin,
  stderr: NodeJS.WriteStream = process.stderr,
): { ask?: (question: string, dflt: string) => Promise<string> } {
  if (!stdin.isTTY || !stderr.isTTY) return {};
  return {
    ask: async (question, dflt) => {
      const rl = createInterface({ input: stdin, output: stderr, terminal: true });
      try {
        return await rl.question(`${question} [${dflt}]: `);
      } finally {
        rl.close();
      }
    },
  };
}
