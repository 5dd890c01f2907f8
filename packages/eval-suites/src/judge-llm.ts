import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { LamdagentError } from '@lamdagent/core';
import { sha256 } from '@lamdagent/core/kit';
import { z } from 'zod';

/**
 * An LLM judge for MT-Bench turn 1 (single-answer grading, 1 to 10), through the same chat providers as the
 * agent (`@lamdagent/policy-llm`'s OpenAI-compatible, Ollama and llama.cpp providers fit `JudgeChat`).
 */

/** Version of the judge prompt: part of the cache key, so a changed prompt is never served old ratings. */
export const JUDGE_PROMPT_VERSION = 1;
export const MIN_RATING = 1;
export const MAX_RATING = 10;

/** The part of a chat provider the judge uses (structurally `ChatProvider` of `@lamdagent/policy-llm`). */
export interface JudgeChat {
  readonly name: string;
  chat(request: {
    messages: readonly { role: 'system' | 'user' | 'assistant'; content: string }[];
    /** Constrain the reply to one of `size` choices where the provider can (JSON schema, grammar). */
    answer?: { step: 'type'; slots: readonly { name: string; size: number }[] };
    signal: AbortSignal;
  }): Promise<{ text: string; usage?: { inputTokens: number; outputTokens: number }; constrained?: boolean }>;
}

export interface JudgeItem {
  question: string;
  /** The evaluated model's answer to turn 1. */
  answer: string;
  /** A reference answer (MT-Bench's math, reasoning and coding questions have one). */
  reference?: string | undefined;
}

export interface JudgeUsage {
  inputTokens: number;
  outputTokens: number;
  requests: number;
}

export interface JudgeRating {
  rating: number;
  /** Served from the cache: no request was made. */
  cached: boolean;
  /** Replies it took (1 when the first was rated; 0 when cached). */
  replies: number;
}

/** A judge that gave no usable rating after every attempt: a failed evaluation, never a score of 0. */
export class JudgeError extends LamdagentError {
  readonly excerpt: string;
  constructor(message: string, excerpt: string) {
    super(message, 1);
    this.excerpt = excerpt;
  }
}

/** The single-answer grading prompt, in the structure MT-Bench uses (our own words). */
export function judgeMessages(item: JudgeItem): { role: 'system' | 'user'; content: string }[] {
  const system =
    'You are a careful, impartial judge of AI assistants. Rate how well the assistant answers the user question: ' +
    'consider helpfulness, relevance, accuracy, depth, creativity and level of detail' +
    (item.reference !== undefined ? ', and compare it with the reference answer, which is correct' : '') +
    '. Explain your judgement in a few sentences, as objectively as you can, then give the rating, an integer from 1 to 10, ' +
    'written exactly like this: "Rating: [[5]]".';
  const parts = [`[User question]\n${item.question}`];
  if (item.reference !== undefined) parts.push(`[Reference answer]\n${item.reference}`);
  parts.push(`[Assistant's answer begins]\n${item.answer}\n[Assistant's answer ends]`);
  return [
    { role: 'system', content: system },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

/**
 * The constraint sent to providers that support one: a choice from 0 to 10 that is the rating itself (the model
 * writes the number it means; 0 is not a rating and is asked again), so no off-by-one between prompt and schema.
 */
export const RATING_ANSWER = { step: 'type' as const, slots: [{ name: 'rating', size: MAX_RATING + 1 }] };

function inRange(n: number): number | undefined {
  return Number.isInteger(n) && n >= MIN_RATING && n <= MAX_RATING ? n : undefined;
}

/**
 * The rating in a judge reply, or undefined. A constrained reply that is only the provider's choice
 * (`{"choice": k}` or `[[k]]`) is rating k (0 is none); otherwise free text gives the rating itself: the last `[[n]]`, else the last
 * `Rating: n` (`n/10` accepted). Decimals and numbers outside 1..10 are not ratings.
 */
export function parseRating(text: string, constrained = false): number | undefined {
  const t = text.trim().replace(/^```(?:json)?\s*|\s*```$/gi, '');
  if (constrained) {
    const json = /^\{\s*"choice"\s*:\s*(\d+)\s*\}$/.exec(t);
    const bracket = /^\[\[\s*(\d+)\s*\]\]$/.exec(t);
    const k = json?.[1] ?? bracket?.[1];
    if (k !== undefined) return inRange(Number(k));
    // A server that ignored the constraint answered in free text: read it as such.
  }
  const brackets = [...t.matchAll(/\[\[\s*(\d+(?:\.\d+)?)\s*\]\]/g)];
  const last = brackets.at(-1)?.[1];
  if (last !== undefined) return inRange(Number(last));
  const labelled = [...t.matchAll(/rating\s*[:=]?\s*(\d+(?:\.\d+)?)(?:\s*\/\s*10)?/gi)];
  const l = labelled.at(-1)?.[1];
  return l === undefined ? undefined : inRange(Number(l));
}

const CacheLineSchema = z.object({ key: z.string(), rating: z.number().int().min(MIN_RATING).max(MAX_RATING) });

export interface LlmJudgeOptions {
  /** The judge model's name (part of the cache key). */
  model: string;
  /** Attempts per item (the first plus retries on a reply without a rating). */
  attempts?: number;
  /** Ask for a constrained answer where the provider allows (default true). */
  constrained?: boolean;
  /** JSON lines file of ratings by (judge model, prompt version, question, reference, answer); re-scoring is free. */
  cacheFile?: string;
}

/** Rates answers 1-10 with a judge model at temperature 0 (set in the provider), caching ratings and counting tokens. */
export class LlmJudge {
  readonly usage: JudgeUsage = { inputTokens: 0, outputTokens: 0, requests: 0 };
  readonly #chat: JudgeChat;
  readonly #o: Required<Omit<LlmJudgeOptions, 'cacheFile'>> & { cacheFile: string | undefined };
  readonly #cache = new Map<string, number>();

  constructor(chat: JudgeChat, options: LlmJudgeOptions) {
    this.#chat = chat;
    this.#o = { attempts: 3, constrained: true, ...options, cacheFile: options.cacheFile };
    if (this.#o.cacheFile !== undefined) {
      let text = '';
      try {
        text = readFileSync(this.#o.cacheFile, 'utf8');
      } catch {
        // no cache yet
      }
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const parsed = CacheLineSchema.safeParse(JSON.parse(line));
        if (parsed.success) this.#cache.set(parsed.data.key, parsed.data.rating);
      }
    }
  }

  /** Cache key of an item for this judge model. */
  key(item: JudgeItem): string {
    return sha256(JSON.stringify([this.#o.model, JUDGE_PROMPT_VERSION, item.question, item.reference ?? null, item.answer]));
  }

  async rate(item: JudgeItem, signal: AbortSignal): Promise<JudgeRating> {
    const key = this.key(item);
    const hit = this.#cache.get(key);
    if (hit !== undefined) return { rating: hit, cached: true, replies: 0 };
    const messages = judgeMessages(item);
    let last = '';
    for (let attempt = 1; attempt <= this.#o.attempts; attempt++) {
      const reply = await this.#chat.chat({ messages, ...(this.#o.constrained ? { answer: RATING_ANSWER } : {}), signal });
      this.usage.requests++;
      if (reply.usage) {
        this.usage.inputTokens += reply.usage.inputTokens;
        this.usage.outputTokens += reply.usage.outputTokens;
      }
      last = reply.text;
      const rating = parseRating(reply.text, reply.constrained === true);
      if (rating !== undefined) {
        this.#cache.set(key, rating);
        if (this.#o.cacheFile !== undefined) {
          mkdirSync(dirname(this.#o.cacheFile), { recursive: true });
          appendFileSync(this.#o.cacheFile, JSON.stringify({ key, rating }) + '\n');
        }
        return { rating, cached: false, replies: attempt };
      }
    }
    const excerpt = last.length > 200 ? `${last.slice(0, 200)}…` : last;
    throw new JudgeError(
      `judge ${this.#o.model} (${this.#chat.name}) gave no rating from ${MIN_RATING} to ${MAX_RATING} in ${this.#o.attempts} replies; the last: ${JSON.stringify(excerpt)}`,
      excerpt,
    );
  }
}
