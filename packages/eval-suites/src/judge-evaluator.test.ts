import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JUDGE_PROVIDERS_PACKAGE, judgePreflight, policyLlmJudgeChat } from './judge-evaluator.js';

/** How Node reports a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/@lamdagent/eval-suites/dist/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe("the llm-judge evaluator's providers: @lamdagent/policy-llm, an optional peer dependency", () => {
  it('is declared as an optional peer dependency, not a dependency', () => {
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(pkg.peerDependencies?.[JUDGE_PROVIDERS_PACKAGE]).toBeDefined();
    expect(pkg.peerDependenciesMeta?.[JUDGE_PROVIDERS_PACKAGE]).toEqual({ optional: true });
    expect(pkg.dependencies?.[JUDGE_PROVIDERS_PACKAGE]).toBeUndefined();
  });

  it('loads its documented createJudgeChat entry when installed', async () => {
    const make = await policyLlmJudgeChat();
    const { model, costUsd } = make({ provider: 'openai', model: 'gpt-4o-mini', baseURL: 'http://127.0.0.1:9/v1' }, {}, '.');
    expect(model).toBe('gpt-4o-mini');
    expect(costUsd?.(1_000_000, 1_000_000)).toBeCloseTo(0.75, 9); // the built-in price of gpt-4o-mini: $0.15 + $0.60
  });

  it('when missing, the error names the package to install', async () => {
    await expect(policyLlmJudgeChat(async (name) => Promise.reject(notFound(name)))).rejects.toThrow(
      'task (llm-judge): the llm-judge evaluator takes its judge providers from @lamdagent/policy-llm, which is not installed: npm install @lamdagent/policy-llm (an optional peer dependency of @lamdagent/eval-suites)',
    );
    await expect(policyLlmJudgeChat(async () => Promise.reject(new Error('SyntaxError in dist/index.js')))).rejects.toThrow(
      'the llm-judge evaluator could not load @lamdagent/policy-llm: SyntaxError in dist/index.js',
    );
    await expect(policyLlmJudgeChat(async () => ({}))).rejects.toThrow('@lamdagent/policy-llm has no createJudgeChat export');
    const err = await policyLlmJudgeChat(async (name) => Promise.reject(notFound(name))).catch((e: unknown) => e);
    expect((err as { exitCode?: number }).exitCode).toBe(2);
  });

  it('validate (preflight) says so before the study starts, and that a judge must be configured', () => {
    const judge = { provider: 'openai', model: 'gpt-4o' };
    expect(judgePreflight({ judge })).toEqual([]);
    expect(
      judgePreflight({ judge }, (name) => {
        throw notFound(name);
      }),
    ).toEqual([
      {
        path: 'evaluators.llm-judge',
        message:
          "the judge's providers come from @lamdagent/policy-llm, which is not installed: npm install @lamdagent/policy-llm (an optional peer dependency of @lamdagent/eval-suites)",
      },
    ]);
    expect(judgePreflight({})).toEqual([{ path: 'evaluators.llm-judge.judge', message: 'missing: {provider: openai|ollama|llama-cpp, model, ...}' }]);
  });
});
