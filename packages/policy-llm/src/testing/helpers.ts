import type { Selection, TranscriptEntry } from '@lamdagent/core';
import { createLlmPolicy } from '../factory.js';
import type { LlmPolicy } from '../policy.js';
import type { ChatMessage, ChatProvider, ChatReply, ChatRequest } from '../providers/types.js';
import { BINDINGS, finishTrial, makeWorld, type World } from './world.js';

export const SECRET = 'sk-test-0123456789abcdefSECRET';

/** A world after three SFT trials: both action types are possible (three produced models). */
export function grownWorld(): World {
  const w = makeWorld();
  for (let i = 0; i < 3; i++) {
    const ds = w.space.candidates(0, 1)[i];
    const base = w.space.candidates(0, 0)[0];
    const lr = w.space.candidates(0, 2)[0];
    if (!ds || !base || !lr) throw new Error('world incomplete');
    finishTrial(w, w.space.make(0, [base, ds, lr]), { reward: 0.4 + i / 10, scores: { acebench: 0.4 + i / 10, mtbench: 0.8 } });
  }
  return w;
}

export const SFT_INDEX = BINDINGS.findIndex((b) => b.name === 'sft');
export const TIES_INDEX = BINDINGS.findIndex((b) => b.name === 'ties_merging');

export function transcriptText(t: readonly TranscriptEntry[] | undefined): string {
  return (t ?? []).map((e) => `[${e.step}/${e.role}] ${e.content}`).join('\n');
}

export function selectionText(s: Selection): string {
  return `${s.fallback ?? ''}\n${transcriptText(s.transcript)}`;
}

/** An in-process provider answering from a script; records every request's messages. */
export class ScriptedProvider implements ChatProvider {
  readonly name = 'scripted';
  readonly requests: ChatMessage[][] = [];
  readonly #next: (messages: readonly ChatMessage[], n: number) => ChatReply | Error;

  constructor(script: readonly (string | ChatReply | Error)[] | ((messages: readonly ChatMessage[], n: number) => string | ChatReply | Error)) {
    this.#next = (messages, n) => {
      const s = typeof script === 'function' ? script(messages, n) : script[n];
      if (s === undefined) return new Error(`script exhausted at request ${n}`);
      return typeof s === 'string' ? { text: s, usage: { inputTokens: 50, outputTokens: 5 } } : s;
    };
  }

  async chat(req: ChatRequest): Promise<ChatReply> {
    this.requests.push([...req.messages]);
    const r = this.#next(req.messages, this.requests.length - 1);
    if (r instanceof Error) throw r;
    return r;
  }

  prompt(n: number): string {
    const msgs = this.requests[n] ?? [];
    return msgs
      .filter((m) => m.role === 'user')
      .map((m) => m.content)
      .join('\n---\n');
  }
}

/** An llm policy over `provider`, built as a study with seed `seed` would build it. */
export async function scriptedPolicy(provider: ChatProvider, options: Record<string, unknown> = {}, seed = 7): Promise<LlmPolicy> {
  return createLlmPolicy(
    { model: 'gpt-4o-2024-08-06', baseURL: 'http://127.0.0.1:9/v1', retryBaseMs: 1, ...options },
    { configDir: '/tmp', seed, env: {} },
    { provider },
  );
}
