/**
 * Transport glue: one provider call of a step, with a short-lived abort signal tied to the study's,
 * transport retries with backoff (each noted in the transcript), and the call's usage recorded
 * (the server's token counts, else o200k counts) and priced.
 */
import type { AnswerSpec } from './answer.js';
import { type ChatMessage, type ChatReply, ProviderError } from './providers/types.js';
import { withRetries } from './retry.js';
import type { StepScope } from './step.js';
import type { Step } from './templates.js';
import { costUsd, countChatTokens, countTokens } from './usage.js';

/** One provider call with retries; records its usage (server counts, else o200k counts). */
export async function callProvider(s: StepScope, step: Step, messages: readonly ChatMessage[], answer?: AnswerSpec): Promise<ChatReply> {
  const { o, d, ctx, rec } = s;
  // A short-lived signal per call: client libraries that never remove their abort listeners attach
  // them here, not to the study's long-lived signal.
  const call = new AbortController();
  const onAbort = (): void => call.abort(ctx.signal.reason);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let reply: ChatReply;
  try {
    reply = await withRetries(
      () => d.provider.chat({ messages, signal: call.signal, ...(answer ? { answer } : {}) }),
      { maxRetries: o.maxRetries, baseMs: o.retryBaseMs, maxMs: o.retryMaxMs },
      ctx.signal,
      (n) =>
        rec.transcript.push({
          step,
          role: 'error',
          content: d.redact(`provider: ${n.error.message}; retry ${n.attempt} of ${n.maxRetries} in ${(n.delayMs / 1000).toFixed(1)} s`),
        }),
    );
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
  const inputTokens = reply.usage?.inputTokens ?? (await countChatTokens(messages));
  const outputTokens = reply.usage?.outputTokens ?? (await countTokens(reply.text));
  rec.usage.push({ step, inputTokens, outputTokens, costUsd: costUsd(d.prices, inputTokens, outputTokens) });
  return reply;
}

/** A provider error as the transcript tells it (a `ProviderError`'s own message, else name and message). */
export function describeError(e: unknown): string {
  if (e instanceof ProviderError) return e.message;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}
