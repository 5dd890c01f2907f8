import { describe, it } from 'vitest';

/** One behavioural check of a conformance suite: framework-free (throws on a violation), so a test can run it against a broken plugin. */
export interface Check {
  name: string;
  run(): Promise<void>;
}

/** Register checks as vitest tests under one `describe`. */
export function registerChecks(title: string, checks: readonly Check[]): void {
  describe(title, () => {
    for (const c of checks) it(c.name, () => c.run());
  });
}

/** The check named `name` (for tests that prove a suite catches a broken plugin). */
export function findCheck(checks: readonly Check[], name: string | RegExp): Check {
  const c = checks.find((x) => (typeof name === 'string' ? x.name === name : name.test(x.name)));
  if (!c) throw new Error(`no check named ${String(name)} (checks: ${checks.map((x) => x.name).join('; ')})`);
  return c;
}

export class ConformanceError extends Error {
  override name = 'ConformanceError';
}

export function fail(subject: string, message: string): never {
  throw new ConformanceError(`${subject}: ${message}`);
}
