import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
// Through the package's public subpath, as a user's test imports it.
import { lastUserMessage, makeAgent, startFakeOllama, startFakeOpenAI, type FakeServer } from '@lamdagent/policy-llm/testing';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('@lamdagent/policy-llm/testing', () => {
  it('serves scripted chat completions to the official openai client, 429 with Retry-After included', async () => {
    server = await startFakeOpenAI([
      { status: 429, headers: { 'retry-after': '0' } },
      { reply: 'Choosing. [[1]]', usage: { input: 12, output: 3 } },
    ]);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'sk-test', maxRetries: 1 });
    const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'pick a type' }], temperature: 0 });
    expect(r.choices[0]?.message.content).toBe('Choosing. [[1]]');
    expect(r.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 3 });
    expect(server.requests).toHaveLength(2);
    expect(lastUserMessage(server.requests[1]!)).toBe('pick a type');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the Ollama /api/chat protocol to the official ollama client', async () => {
    server = await startFakeOllama([{ reply: '[[0, 2]]', usage: { input: 40, output: 5 } }]);
    const client = new Ollama({ host: server.url });
    const r = await client.chat({ model: 'qwen2.5:7b', messages: [{ role: 'user', content: 'pick objects' }], options: { temperature: 0 } });
    expect(r.message.content).toBe('[[0, 2]]');
    expect(r.prompt_eval_count).toBe(40);
    expect((server.requests[0]!.body as { model: string }).model).toBe('qwen2.5:7b');
  });

  it('makeAgent answers a type prompt with an index in range and a memory prompt with a lesson', async () => {
    const agent = makeAgent();
    const req = (content: string): Parameters<typeof agent>[0] => ({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: {},
      body: { messages: [{ role: 'user', content }] },
    });
    const type = agent(req('# Action types\nAnswer with a number between 0 and 1 as [[k]].'), 2);
    expect(type).toMatchObject({ reply: expect.stringMatching(/\[\[[01]\]\]/) });
    const memory = agent(req('# New result\ntrial 3: sft -> reward 0.4'), 3);
    expect(memory).toMatchObject({ reply: expect.stringContaining('trial 3: sft -> reward 0.4') });
  });
});
