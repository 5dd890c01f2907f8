import { afterEach, describe, expect, it } from 'vitest';
import { answerGrammar, answerJsonSchema, jsonAnswerText } from './answer.js';
import { createLlmPolicy } from './factory.js';
import { type FakeServer, type RecordedRequest, startFakeOllama, startFakeOpenAI } from './testing/fake-server.js';
import type { AnswerSpec } from './answer.js';
import type { ChatReply, ChatRequest } from './providers/types.js';
import { grownWorld, SECRET, scriptedPolicy, selectionText, SFT_INDEX, TIES_INDEX } from './testing/helpers.js';
import { contextFor, indexOf } from './testing/world.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const env = { TEST_OPENAI_KEY: SECRET };
const ctxOf = { configDir: '/tmp', seed: 7, env };
/** Scripts here answer by index into the space's order: candidates listed as the space has them. */
const FIXED = { candidateOrder: 'fixed' } as const;

function body(r: RecordedRequest | undefined): Record<string, unknown> {
  return (r?.body ?? {}) as Record<string, unknown>;
}

describe('answer constraints built from the candidates', () => {
  it('a grammar admits exactly [[i, j]] with each index a candidate; a JSON schema enumerates them', () => {
    const spec = {
      step: 'objects' as const,
      slots: [
        { name: 'model', size: 2 },
        { name: 'model', size: 3 },
      ],
    };
    expect(answerGrammar(spec)).toBe('root ::= "[[" t0 "]]"\ns0 ::= "0" | "1"\ns1 ::= "0" | "1" | "2"\nt0 ::= s0 ", " t1\nt1 ::= s1');
    expect(answerJsonSchema(spec)).toEqual({
      type: 'object',
      properties: { model: { type: 'integer', enum: [0, 1] }, model_2: { type: 'integer', enum: [0, 1, 2] } },
      required: ['model', 'model_2'],
      additionalProperties: false,
    });
    expect(jsonAnswerText('{"model": 1, "model_2": 2}', spec)).toBe('[[1, 2]]');
    expect(jsonAnswerText('```json\n{"model_2": 2, "model": 1}\n```', spec)).toBe('[[1, 2]]');
    expect(jsonAnswerText('I pick [[1, 2]]', spec)).toBeUndefined();
    // Cut short in trailing whitespace (a real llama.cpp server and Gemma 3 270M at the token cap).
    expect(jsonAnswerText('{\n \t \t"model"\n \t:\n \t1,\n \t"model_2"\n \t:\n \t2\n \t \t', spec)).toBe('[[1, 2]]');
    expect(jsonAnswerText('{\n "model": 1,\n \t', spec)).toBeUndefined();
    expect(() => answerGrammar({ step: 'type', slots: [{ name: 'action_type', size: 0 }] })).toThrow(/no candidates/);
  });
});

/** Every string a (finite) grammar of ours accepts: literals, rule names and `(lit | lit)` groups. */
function language(grammar: string): string[] {
  const rules = new Map<string, string[][]>();
  for (const line of grammar.split('\n')) {
    const [name, body] = line.split(' ::= ') as [string, string];
    const alts: string[][] = [];
    let cur: string[] = [];
    for (const tok of body.match(/\([^)]*\)|"[^"]*"|\||[A-Za-z0-9_]+/g) ?? []) {
      if (tok === '|') {
        alts.push(cur);
        cur = [];
      } else cur.push(tok);
    }
    alts.push(cur);
    rules.set(name, alts);
  }
  const expand = (tok: string): string[] => {
    if (tok.startsWith('"')) return [tok.slice(1, -1)];
    if (tok.startsWith('(')) return (tok.slice(1, -1).match(/"[^"]*"/g) ?? []).map((l) => l.slice(1, -1));
    return (rules.get(tok) ?? []).flatMap((alt) => alt.reduce<string[]>((acc, t) => acc.flatMap((a) => expand(t).map((b) => a + b)), ['']));
  };
  return expand('root').sort();
}

describe('grammar exclusions', () => {
  it('accepts every tuple but the excluded ones, and drops exclusions that would leave nothing', () => {
    const spec = {
      step: 'objects' as const,
      slots: [
        { name: 'a', size: 2 },
        { name: 'b', size: 3 },
        { name: 'c', size: 1 },
      ],
    };
    const all = ['[[0, 0, 0]]', '[[0, 1, 0]]', '[[0, 2, 0]]', '[[1, 0, 0]]', '[[1, 1, 0]]', '[[1, 2, 0]]'];
    expect(language(answerGrammar(spec))).toEqual(all);
    expect(
      language(
        answerGrammar({
          ...spec,
          exclude: [
            [0, 0, 0],
            [1, 2, 0],
            [7, 0, 0],
          ],
        }),
      ),
    ).toEqual(all.filter((t) => t !== '[[0, 0, 0]]' && t !== '[[1, 2, 0]]'));
    const everything = [0, 1].flatMap((a) => [0, 1, 2].map((b) => [a, b, 0]));
    expect(language(answerGrammar({ ...spec, exclude: everything }))).toEqual(all);
    expect(language(answerGrammar({ step: 'type', slots: [{ name: 'action_type', size: 3 }], exclude: [[1]] }))).toEqual(['[[0]]', '[[2]]']);
  });
});

/** A provider that records each request's answer spec and replies from a script (ignoring the grammar). */
function grammarRecorder(replies: readonly string[], specs: (AnswerSpec | undefined)[]) {
  return {
    name: 'grammar-recorder',
    chat: async (req: ChatRequest): Promise<ChatReply> => {
      specs.push(req.answer);
      return { text: replies[specs.length - 1] ?? '[[0]]', constrained: true };
    },
  };
}

describe('grammar: distinct positions (a model is never merged with itself)', () => {
  const tuples = (sizes: number[]): number[][] =>
    sizes.reduce<number[][]>((acc, n) => acc.flatMap((t) => Array.from({ length: n }, (_, v) => [...t, v])), [[]]);
  const text = (t: number[]): string => `[[${t.join(', ')}]]`;

  it('accepts exactly the tuples whose grouped positions differ and that are not excluded (brute force over small specs)', () => {
    let seed = 11;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const cases: { sizes: number[]; distinct: number[][] }[] = [
      { sizes: [1, 4, 4, 1, 2], distinct: [[1, 2]] },
      { sizes: [2, 3, 3], distinct: [[1, 2]] },
      { sizes: [3, 3, 3], distinct: [[0, 1, 2]] },
      { sizes: [4, 2, 4, 4], distinct: [[0, 2, 3]] },
      {
        sizes: [3, 3, 2, 2],
        distinct: [
          [0, 1],
          [2, 3],
        ],
      },
    ];
    for (const { sizes, distinct } of cases) {
      const slots = sizes.map((size, i) => ({ name: `s${i}`, size }));
      const all = tuples(sizes);
      const ok = (t: number[]): boolean => distinct.every((g) => new Set(g.map((p) => t[p])).size === g.length);
      expect(language(answerGrammar({ step: 'objects', slots, distinct })).sort()).toEqual(all.filter(ok).map(text).sort());
      for (let r = 0; r < 6; r++) {
        const exclude = all.filter(() => rand(3) === 0);
        const keys = new Set(exclude.map(text));
        const want = all
          .filter((t) => ok(t) && !keys.has(text(t)))
          .map(text)
          .sort();
        const got = language(answerGrammar({ step: 'objects', slots, distinct, exclude })).sort();
        // Exclusions that would leave nothing are dropped (the distinct groups stay).
        expect(got).toEqual(want.length ? want : all.filter(ok).map(text).sort());
      }
    }
  });

  it('drops a group that no answer can satisfy (two models from a list of one)', () => {
    const slots = [
      { name: 'a', size: 1 },
      { name: 'b', size: 1 },
    ];
    expect(language(answerGrammar({ step: 'objects', slots, distinct: [[0, 1]] }))).toEqual(['[[0, 0]]']);
  });
});

describe('constrained answers over the wire', () => {
  it('openai: sends response_format json_schema for both selection steps and reads the JSON answers', async () => {
    const w = grownWorld();
    server = await startFakeOpenAI([{ reply: '{"choice": 0}' }, { reply: '{"model": 1, "dataset": 0, "learning_rate": 0}' }]);
    const policy = await createLlmPolicy(
      { ...FIXED, provider: 'openai', model: 'gpt-4o-2024-08-06', baseURL: `${server.url}/v1`, apiKeyEnv: 'TEST_OPENAI_KEY', maxOutputTokens: 32 },
      ctxOf,
    );
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    expect(sel.action.name).toBe('sft');
    // JSON grammars admit whitespace runs: a structured answer gets room whatever maxOutputTokens says.
    expect(body(server.requests[0]).max_tokens).toBe(256);
    const rf = body(server.requests[0]).response_format as {
      type: string;
      json_schema: { name: string; strict: boolean; schema: { properties: Record<string, { enum: number[] }> } };
    };
    expect(rf).toMatchObject({ type: 'json_schema', json_schema: { name: 'type_answer', strict: true } });
    expect(rf.json_schema.schema.properties['choice']?.enum).toEqual([0, 1]);
    const rf2 = body(server.requests[1]).response_format as { json_schema: { schema: { required: string[] } } };
    expect(rf2.json_schema.schema.required).toEqual(['model', 'dataset', 'learning_rate']);
    expect(sel.answers).toEqual([
      { step: 'type', outcome: 'first', replies: 1, constrained: true },
      { step: 'objects', outcome: 'first', replies: 1, constrained: true },
    ]);
  });

  it('openai: a server that refuses response_format is detected once, journaled, and answered in free text from then on', async () => {
    const w = grownWorld();
    const refusal = { status: 400, body: { error: { message: 'Unrecognized request argument supplied: response_format', type: 'invalid_request_error' } } };
    server = await startFakeOpenAI((req, n) => {
      if ((body(req).response_format ?? null) !== null) return refusal;
      return n === 1 ? { reply: 'Merging comes later. [[0]]' } : n === 2 ? { reply: 'Best first: [[9, 0, 0]]' } : { reply: '[[1, 0, 0]]' };
    });
    const policy = await createLlmPolicy(
      { ...FIXED, provider: 'openai', model: 'some-local-model', baseURL: `${server.url}/v1`, apiKeyEnv: 'TEST_OPENAI_KEY' },
      ctxOf,
    );
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    // One refused request, then everything is free text: no response_format is sent again.
    expect(server.requests.map((r) => 'response_format' in body(r))).toEqual([true, false, false, false]);
    expect(sel.answers?.[0]).toMatchObject({ step: 'type', outcome: 'first', constrained: false, refused: expect.stringContaining('HTTP 400') as unknown });
    expect(sel.answers?.[1]).toEqual({ step: 'objects', outcome: 'retried', replies: 2, constrained: false });
    expect(selectionText(sel)).toContain('the server refused structured output');
    const again = await policy.select(contextFor(w));
    expect(again.answers?.every((a) => a.refused === undefined && !a.constrained)).toBe(true);
    expect(selectionText(again)).not.toContain('refused');
  });

  it('openai: a 400 that is not about structured output (a missing model) is an error, not a refusal', async () => {
    const w = grownWorld();
    server = await startFakeOpenAI([{ status: 400, body: { error: { message: 'model not found' } } }]);
    const policy = await createLlmPolicy(
      { ...FIXED, provider: 'openai', model: 'x', baseURL: `${server.url}/v1`, apiKeyEnv: 'TEST_OPENAI_KEY', maxRetries: 0 },
      ctxOf,
    );
    const sel = await policy.select(contextFor(w));
    expect(server.requests).toHaveLength(1);
    expect(sel.fallback).toMatch(/HTTP 400: model not found/);
    expect(sel.answers?.[0]).toMatchObject({ step: 'type', outcome: 'fallback', replies: 0 });
  });

  it('constrain: false sends no schema and counts free-text answers', async () => {
    const w = grownWorld();
    server = await startFakeOpenAI([{ reply: '[[0]]' }, { reply: '[[1, 0, 0]]' }]);
    const policy = await createLlmPolicy(
      { ...FIXED, provider: 'openai', model: 'x', baseURL: `${server.url}/v1`, apiKeyEnv: 'TEST_OPENAI_KEY', constrain: false },
      ctxOf,
    );
    const sel = await policy.select(contextFor(w));
    expect(server.requests.every((r) => !('response_format' in body(r)))).toBe(true);
    expect(sel.answers?.map((a) => a.constrained)).toEqual([false, false]);
  });

  it('ollama: sends format with the schema and reads the JSON answers', async () => {
    const w = grownWorld();
    server = await startFakeOllama([{ reply: '{"choice": 0}' }, { reply: '{"model": 2, "dataset": 1, "learning_rate": 0}' }]);
    const policy = await createLlmPolicy({ ...FIXED, provider: 'ollama', model: 'qwen2.5:7b', host: server.url }, ctxOf);
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    const format = body(server.requests[0]).format as { properties: { choice: { enum: number[] } } };
    expect(format.properties.choice.enum).toEqual([0, 1]);
    expect(sel.answers?.every((a) => a.constrained && a.outcome === 'first')).toBe(true);
  });

  it('ollama: an old server that rejects format is detected once and answered in free text', async () => {
    const w = grownWorld();
    server = await startFakeOllama((req, n) =>
      'format' in body(req)
        ? { status: 400, body: { error: 'json: cannot unmarshal object into Go struct field ChatRequest.format of type string' } }
        : n === 1
          ? { reply: '[[0]]' }
          : { reply: '[[1, 0, 0]]' },
    );
    const policy = await createLlmPolicy({ ...FIXED, provider: 'ollama', model: 'llama3', host: server.url }, ctxOf);
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    expect(server.requests.map((r) => 'format' in body(r))).toEqual([true, false, false]);
    expect(sel.answers?.[0]?.refused).toMatch(/format schema refused/);
  });
});

describe('exclusions sent to a grammar provider', () => {
  it('excludes finished actions from the objects answer, then each rejected answer on retry', async () => {
    const w = grownWorld();
    const specs: (AnswerSpec | undefined)[] = [];
    // 0--0--0 is a produced model; [[0, d, 0]] with d the dataset of a finished trial repeats it.
    const repeat = `[[0, ${indexOf(w, SFT_INDEX, 1, 'Toolbench react10p')}, 0]]`;
    const replies = ['[[0]]', repeat, '[[1, 0, 0]]'];
    const provider = grammarRecorder(replies, specs);
    const policy = await scriptedPolicy(provider, FIXED);
    const sel = await policy.select(contextFor(w));
    expect(sel.fallback).toBeUndefined();
    const first = specs[1]?.exclude ?? [];
    // The three SFT trials of the grown world are excluded (model index 0, their datasets, lr 0).
    expect(first).toHaveLength(3);
    expect(first.every((t) => t[0] === 0 && t[2] === 0)).toBe(true);
    // The repeat was rejected (the grammar cannot stop a provider that ignores it) and is excluded on retry.
    expect(specs[2]?.exclude).toHaveLength(4);
    expect(sel.answers?.[1]).toMatchObject({ step: 'objects', outcome: 'retried', replies: 2, constrained: true });
  });

  it("a merge's answer spec marks its models as distinct, so the grammar cannot merge a model with itself", async () => {
    const w = grownWorld();
    const specs: (AnswerSpec | undefined)[] = [];
    // A provider that ignores the grammar and names the same model twice, then two different ones.
    const replies = [`[[${TIES_INDEX}]]`, '[[0, 1, 1, 0, 0]]', '[[0, 1, 2, 0, 0]]'];
    const provider = grammarRecorder(replies, specs);
    const policy = await scriptedPolicy(provider, FIXED);
    const sel = await policy.select(contextFor(w));
    expect(sel.action.name).toBe('ties_merging');
    expect(specs[1]?.distinct).toEqual([[1, 2]]);
    const grammar = answerGrammar(specs[1] as AnswerSpec);
    expect(language(grammar)).not.toContain('[[0, 1, 1, 0, 0]]');
    expect(language(grammar)).toContain('[[0, 1, 2, 0, 0]]');
    expect(sel.answers?.[1]).toMatchObject({ step: 'objects', outcome: 'retried', replies: 2 });
    expect(new Set(sel.action.inputs.slice(1, 3).map((o) => o.id)).size).toBe(2);
  });
});
