import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JudgeError, LlmJudge } from '@lamdagent/eval-suites';
import { afterEach, describe, expect, it } from 'vitest';
import { createJudgeChat } from './judge-chat.js';
import { agentModelOrSkip } from './testing/agent-model.js';
import { startFakeOllama, startFakeOpenAI, type FakeServer } from './testing/index.js';

const ITEM = { question: 'What is 15% of 240? Explain briefly.', answer: '15% of 240 is 36, since 0.15 * 240 = 36.', reference: '36' };
const signal = new AbortController().signal;
const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function openai(script: Parameters<typeof startFakeOpenAI>[0]): Promise<FakeServer> {
  const s = await startFakeOpenAI(script);
  servers.push(s);
  return s;
}

function judgeOn(server: FakeServer, model = 'judge-model', cacheFile?: string): LlmJudge {
  const { chat } = createJudgeChat({ provider: 'openai', model, baseURL: `${server.url}/v1` }, {});
  return new LlmJudge(chat, { model, ...(cacheFile !== undefined ? { cacheFile } : {}) });
}

describe('LLM judge for MT-Bench turn 1 against the fake servers', () => {
  it('OpenAI-compatible: constrained to 0..10 at temperature 0; {"choice": 7} is rating 7; tokens counted', async () => {
    const server = await openai([{ reply: '{"choice": 7}', usage: { input: 321, output: 5 } }]);
    const judge = judgeOn(server);
    expect(await judge.rate(ITEM, signal)).toEqual({ rating: 7, cached: false, replies: 1 });
    expect(judge.usage).toEqual({ inputTokens: 321, outputTokens: 5, requests: 1 });
    const body = server.requests[0]?.body as Record<string, unknown>;
    expect(body.temperature).toBe(0);
    expect(JSON.stringify(body.response_format)).toContain('"enum":[0,1,2,3,4,5,6,7,8,9,10]');
    const user = (body.messages as { role: string; content: string }[]).find((m) => m.role === 'user')?.content ?? '';
    expect(user).toContain('[Reference answer]\n36');
    expect(user).toContain("[Assistant's answer begins]\n15% of 240 is 36");
  });

  it('a server that ignores the constraint: the free-text "Rating: [[9]]" is read', async () => {
    const server = await openai([{ reply: 'Correct and concise.\nRating: [[9]]' }]);
    expect((await judgeOn(server).rate(ITEM, signal)).rating).toBe(9);
  });

  it('a reply without a rating is retried; three without one fail with the reply excerpt, never a 0', async () => {
    const retried = await openai([{ reply: 'A fine answer overall.' }, { reply: 'Rating: [[11]]' }, { reply: 'Rating: [[6]]' }]);
    expect(await judgeOn(retried).rate(ITEM, signal)).toEqual({ rating: 6, cached: false, replies: 3 });

    const never = await openai([{ reply: 'I would rather not grade this.' }, { reply: 'Rating: 7.5' }, { reply: 'It is good, maybe [[ten]].' }]);
    const judge = judgeOn(never);
    const err = await judge.rate(ITEM, signal).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(JudgeError);
    expect((err as JudgeError).excerpt).toBe('It is good, maybe [[ten]].');
    expect((err as Error).message).toMatch(
      /judge judge-model \(openai\) gave no rating from 1 to 10 in 3 replies; the last: "It is good, maybe \[\[ten\]\]\."/,
    );
    expect(judge.usage.requests).toBe(3);
  });

  it('ratings are cached per (answer, judge model): re-scoring sends nothing, another judge model asks again', async () => {
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'lamdagent-judge-')), 'judge-cache.jsonl');
    const server = await openai(() => ({ reply: '{"choice": 4}' }));
    expect((await judgeOn(server, 'judge-a', cacheFile).rate(ITEM, signal)).rating).toBe(4);
    const again = judgeOn(server, 'judge-a', cacheFile); // a new process reading the same cache
    expect(await again.rate(ITEM, signal)).toEqual({ rating: 4, cached: true, replies: 0 });
    expect(again.usage.requests).toBe(0);
    expect(server.requests).toHaveLength(1);
    await judgeOn(server, 'judge-b', cacheFile).rate(ITEM, signal);
    await judgeOn(server, 'judge-a', cacheFile).rate({ ...ITEM, answer: 'It is 36.' }, signal);
    expect(server.requests).toHaveLength(3);
  });

  it('Ollama: free text "Rating: 6/10" without a constraint; its token counts', async () => {
    const server = await startFakeOllama([{ reply: 'Helpful but terse. Rating: 6/10', usage: { input: 200, output: 12 } }]);
    servers.push(server);
    const { chat, model } = createJudgeChat({ provider: 'ollama', model: 'qwen2.5:7b', host: server.url }, {});
    const judge = new LlmJudge(chat, { model, constrained: false });
    expect((await judge.rate({ question: 'Write a haiku.', answer: 'Autumn moon...' }, signal)).rating).toBe(6);
    expect(judge.usage).toEqual({ inputTokens: 200, outputTokens: 12, requests: 1 });
    const body = server.requests[0]?.body as { options?: { temperature?: number }; format?: unknown };
    expect(body.options?.temperature).toBe(0);
    expect(body.format).toBeUndefined();
  });
});

const gemma = agentModelOrSkip('LLM judge on the real local model');

describe('LLM judge on the real local Gemma model (llama.cpp, in-process)', () => {
  it.runIf(gemma !== undefined)(
    'rates an answer under the grammar: a rating from 1 to 10 the first time, the same one again from the cache',
    async () => {
      const { chat, model } = createJudgeChat({ provider: 'llama-cpp', model: gemma as string, contextSize: 2048, threads: 2, maxOutputTokens: 16 }, {});
      try {
        const cacheFile = join(mkdtempSync(join(tmpdir(), 'lamdagent-judge-gguf-')), 'cache.jsonl');
        const judge = new LlmJudge(chat, { model, cacheFile });
        const first = await judge.rate(ITEM, signal);
        expect(first.rating).toBeGreaterThanOrEqual(1);
        expect(first.rating).toBeLessThanOrEqual(10);
        expect(first.replies).toBe(1); // the grammar admits only a choice
        expect(judge.usage.requests).toBe(1);
        expect(await new LlmJudge(chat, { model, cacheFile }).rate(ITEM, signal)).toEqual({ rating: first.rating, cached: true, replies: 0 });
      } finally {
        await chat.close?.();
      }
    },
    300_000,
  );
});
