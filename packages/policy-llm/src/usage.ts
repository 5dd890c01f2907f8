import type { Tiktoken } from 'js-tiktoken/lite';
import type { Prices } from './options.js';

/**
 * Built-in prices (USD per million tokens, standard tier) for OpenAI models, longest prefix wins.
 * Prices change: set `prices` in the policy options to override. Unknown models cost 0.
 */
export const BUILTIN_PRICES: Readonly<Record<string, Prices>> = {
  'gpt-4o': { inputPerMTok: 2.5, outputPerMTok: 10 },
  'gpt-4o-2024-05-13': { inputPerMTok: 5, outputPerMTok: 15 },
  'gpt-4o-mini': { inputPerMTok: 0.15, outputPerMTok: 0.6 },
  'gpt-4.1': { inputPerMTok: 2, outputPerMTok: 8 },
  'gpt-4.1-mini': { inputPerMTok: 0.4, outputPerMTok: 1.6 },
  'gpt-4.1-nano': { inputPerMTok: 0.1, outputPerMTok: 0.4 },
  'o3-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
  'o4-mini': { inputPerMTok: 1.1, outputPerMTok: 4.4 },
};

const FREE: Prices = { inputPerMTok: 0, outputPerMTok: 0 };

/** The price table entry for a model: explicit prices, else the built-in table (openai only), else free. */
export function pricesFor(provider: string, model: string, explicit?: Prices): Prices {
  if (explicit) return explicit;
  if (provider !== 'openai') return FREE;
  let best: string | undefined;
  for (const prefix of Object.keys(BUILTIN_PRICES)) {
    if ((model === prefix || model.startsWith(`${prefix}-`)) && (!best || prefix.length > best.length)) best = prefix;
  }
  return best ? (BUILTIN_PRICES[best] as Prices) : FREE;
}

export function costUsd(prices: Prices, inputTokens: number, outputTokens: number): number {
  const c = (inputTokens * prices.inputPerMTok + outputTokens * prices.outputPerMTok) / 1e6;
  return Math.round(c * 1e9) / 1e9;
}

let encoder: Promise<Tiktoken> | undefined;

/** The o200k_base tokenizer (GPT-4o's), loaded once on first use from js-tiktoken's bundled ranks (offline). */
export function o200k(): Promise<Tiktoken> {
  encoder ??= (async () => {
    const [{ Tiktoken }, ranks] = await Promise.all([import('js-tiktoken/lite'), import('js-tiktoken/ranks/o200k_base')]);
    return new Tiktoken(ranks.default);
  })();
  return encoder;
}

export async function countTokens(text: string): Promise<number> {
  return (await o200k()).encode(text, [], []).length;
}

/** Tokens of a chat request as OpenAI counts them: each message's content plus 3 per message, plus 3 to prime the reply. */
export async function countChatTokens(messages: readonly { role: string; content: string }[]): Promise<number> {
  const enc = await o200k();
  let n = 3;
  for (const m of messages) n += 3 + enc.encode(m.content, [], []).length + enc.encode(m.role, [], []).length;
  return n;
}
