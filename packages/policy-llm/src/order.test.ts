import type { Selection } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { answerGrammar, type AnswerSpec } from './answer.js';
import { parseOptions } from './options.js';
import type { ChatMessage, ChatReply, ChatRequest } from './providers/types.js';
import { makeAgent } from './testing/agent.js';
import { grownWorld, ScriptedProvider, scriptedPolicy, SFT_INDEX, transcriptText } from './testing/helpers.js';
import { contextFor, finishTrial, makeWorld, type World } from './testing/world.js';

/** The names of list `label` (A, B, ...) by shown position, read from an objects prompt. */
function shownList(prompt: string, label: string): string[] {
  const block = new RegExp(`^List ${label} \\([^)]*\\):\\n((?: {2}\\d+: .*(?:\\n|$))*)`, 'm').exec(prompt)?.[1];
  if (block === undefined) throw new Error(`no list ${label} in the prompt`);
  return block
    .split('\n')
    .filter(Boolean)
    .map((line, k) => {
      const m = /^ {2}(\d+): (.*?)(?: {2}| = |$)/.exec(line);
      if (!m || Number(m[1]) !== k) throw new Error(`list ${label}: line ${k} is ${line}`);
      return m[2] as string;
    });
}

/** The action type names by shown position, read from a type prompt. */
function shownTypes(prompt: string): string[] {
  const section = /# Action types\n([\s\S]*?)\n\n/.exec(prompt)?.[1] ?? '';
  return section.split('\n').map((line, k) => {
    const m = /^(\d+): (\S+) - /.exec(line);
    if (!m || Number(m[1]) !== k) throw new Error(`action types: line ${k} is ${line}`);
    return m[2] as string;
  });
}

const promptOf = (messages: readonly ChatMessage[]): string => messages[0]?.content ?? '';

/** The package's fake agent (a deterministic reader of the prompts) as an in-process provider. */
function readerAgent(): (messages: readonly ChatMessage[]) => string | Error {
  const agent = makeAgent({ deterministic: true });
  return (messages) => {
    const step = agent({ method: 'POST', path: '/v1/chat/completions', headers: {}, body: { messages } }, 0);
    return 'reply' in step ? step.reply : new Error(`fake agent gave no reply: ${JSON.stringify(step)}`);
  };
}

/** A short simulated study: each selection runs and finishes with a reward drawn from its key. */
async function simulate(seed: number, options: Record<string, unknown> = {}, iterations = 5): Promise<{ prompts: string[]; keys: string[]; w: World }> {
  const w = grownWorld();
  const p = new ScriptedProvider(readerAgent());
  const policy = await scriptedPolicy(p, options, seed);
  const keys: string[] = [];
  for (let i = 0; i < iterations; i++) {
    const sel = await policy.select(contextFor(w, { seed }));
    expect(sel.fallback).toBeUndefined();
    keys.push(sel.action.key);
    const reward = (parseInt(sel.action.key.replace(/[^0-9a-f]/gi, '').slice(-6) || '0', 16) % 1000) / 1000;
    finishTrial(w, sel.action, { reward });
  }
  return { prompts: p.requests.map(promptOf), keys, w };
}

describe('candidateOrder option', () => {
  it('defaults to seeded; a bad value names the policy and the option', () => {
    expect(parseOptions({ model: 'm' }).candidateOrder).toBe('seeded');
    expect(parseOptions({ model: 'm', candidateOrder: 'fixed' }).candidateOrder).toBe('fixed');
    expect(() => parseOptions({ model: 'm', candidateOrder: 'shuffled' })).toThrow(
      /llm policy options are invalid:\n {2}- candidateOrder: llm policy option candidateOrder must be "seeded" or "fixed", got "shuffled"/,
    );
  });
});

describe('seed-dependent candidate order', () => {
  it('the same seed gives identical prompts and choices; another seed other orders and other choices', async () => {
    const a = await simulate(11);
    const b = await simulate(11);
    expect(b.prompts).toEqual(a.prompts);
    expect(b.keys).toEqual(a.keys);
    const c = await simulate(12);
    // The first prompts differ only in the order of what they list: same types, same candidates.
    const typeA = a.prompts.find((t) => t.includes('# Action types')) ?? '';
    const typeC = c.prompts.find((t) => t.includes('# Action types')) ?? '';
    expect(shownTypes(typeA).sort()).toEqual(shownTypes(typeC).sort());
    const objectsA = a.prompts.filter((t) => t.includes('# Candidate lists'));
    const objectsC = c.prompts.filter((t) => t.includes('# Candidate lists'));
    const datasetsA = objectsA.map((t) => (t.includes('(sft_dataset,') ? shownList(t, 'B') : undefined)).find(Boolean);
    const datasetsC = objectsC.map((t) => (t.includes('(sft_dataset,') ? shownList(t, 'B') : undefined)).find(Boolean);
    expect(datasetsA).toBeDefined();
    expect(datasetsA && [...datasetsA].sort()).toEqual(datasetsC && [...datasetsC].sort());
    expect(datasetsA).not.toEqual(datasetsC);
    expect(c.keys).not.toEqual(a.keys);
  });

  it('an answer is a position in the list as shown: always answering 1 picks the dataset shown at 1, which changes with the seed', async () => {
    const chosen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const w = makeWorld(); // one model, one learning rate: only sft, no type step
      const p = new ScriptedProvider(['I take the second one. [[0, 1, 0]]']);
      const sel = await (await scriptedPolicy(p, {}, seed)).select(contextFor(w, { seed }));
      expect(sel.fallback).toBeUndefined();
      const shown = shownList(p.prompt(0), 'B');
      expect(sel.action.inputs[1]?.name).toBe(shown[1]);
      // The transcript names the candidate chosen, not only its number.
      expect(transcriptText(sel.transcript)).toContain(
        `[objects/system] chose [[0, 1, 0]]: sft(gemma-2-2b-it, ${shown[1]}, 1e-06) (positions in the shown order, seeded by study seed ${seed}`,
      );
      chosen.add(shown[1] as string);
    }
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('the type answer is a position in the shown types too', async () => {
    const seen = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const w = grownWorld();
      const agent = readerAgent();
      const p = new ScriptedProvider((messages) => (promptOf(messages).includes('# Action types') ? 'Choosing [[1]]' : agent(messages)));
      const sel = await (await scriptedPolicy(p, {}, seed)).select(contextFor(w, { seed }));
      const types = shownTypes(p.prompt(0));
      expect(types.sort()).toEqual(['sft', 'ties_merging']);
      const shown = shownTypes(p.prompt(0));
      expect(sel.action.name).toBe(shown[1]);
      expect(transcriptText(sel.transcript)).toContain(`[type/system] chose 1: ${shown[1]} (positions in the shown order`);
      seen.add(shown[1] as string);
    }
    expect(seen).toEqual(new Set(['sft', 'ties_merging']));
  });

  it('fixed lists the space order in every seed, as before the option existed', async () => {
    const a = await simulate(11, { candidateOrder: 'fixed' }, 3);
    const b = await simulate(12, { candidateOrder: 'fixed' }, 3);
    expect(b.prompts).toEqual(a.prompts);
    expect(b.keys).toEqual(a.keys);
    expect(shownTypes(a.prompts[0] ?? '')).toEqual(['sft', 'ties_merging']);
    for (const seed of [11, 12]) {
      const w = makeWorld();
      const p = new ScriptedProvider(['[[0, 4, 0]]']);
      const sel: Selection = await (await scriptedPolicy(p, { candidateOrder: 'fixed' }, seed)).select(contextFor(w, { seed }));
      expect(shownList(p.prompt(0), 'B')).toEqual(w.space.candidates(SFT_INDEX, 1).map((o) => o.name));
      expect(sel.action.inputs[1]?.name).toBe(w.space.candidates(SFT_INDEX, 1)[4]?.name);
      expect(transcriptText(sel.transcript)).toContain('(positions in the action space order)');
    }
  });

  it('constrained answers: the schema indexes the shown lists, and excluded tuples are the shown positions of finished actions', async () => {
    const layouts = new Set<string>();
    for (const seed of [3, 4, 5]) {
      const w = grownWorld();
      const requests: ChatRequest[] = [];
      // A structured-output server that reads the shown lists: sft, the model shown at 1, WizardLM (untried).
      const provider = {
        name: 'structured-reader',
        chat: async (req: ChatRequest): Promise<ChatReply> => {
          requests.push(req);
          const prompt = promptOf(req.messages);
          if (req.answer?.step === 'type') return { text: JSON.stringify({ choice: shownTypes(prompt).indexOf('sft') }), constrained: true };
          const dataset = shownList(prompt, 'B').indexOf('WizardLM');
          return { text: JSON.stringify({ model: 1, dataset, learning_rate: 0 }), constrained: true };
        },
      };
      const sel = await (await scriptedPolicy(provider, {}, seed)).select(contextFor(w, { seed }));
      expect(sel.fallback).toBeUndefined();
      expect(sel.answers?.map((a) => a.outcome)).toEqual(['first', 'first']);
      expect(requests[0]?.answer?.slots).toEqual([{ name: 'action_type', size: 2 }]);
      const objectsPrompt = promptOf(requests[1]?.messages ?? []);
      const models = shownList(objectsPrompt, 'A');
      const datasets = shownList(objectsPrompt, 'B');
      layouts.add(`${models.join('|')} / ${datasets.join('|')}`);
      expect(sel.action.inputs.map((o) => o.name)).toEqual([models[1], 'WizardLM', '1e-06']);
      // The three finished SFT trials (gemma-2-2b-it on the first three datasets), at their shown positions.
      const spec = requests[1]?.answer as AnswerSpec;
      const expected = w.history.map((t) => [models.indexOf(t.action.inputs[0]?.name ?? ''), datasets.indexOf(t.action.inputs[1]?.name ?? ''), 0].join(','));
      expect(expected.every((t) => !t.includes('-1'))).toBe(true);
      expect([...(spec.exclude ?? [])].map((t) => t.join(',')).sort()).toEqual([...expected].sort());
      // The grammar built from that spec refuses exactly those tuples.
      const grammar = answerGrammar(spec);
      for (const t of expected) expect(grammar).toMatch(new RegExp(`"${t.split(',')[0]}" ", " `));
    }
    expect(layouts.size).toBe(3);
  });
});
