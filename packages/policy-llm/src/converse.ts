/**
 * Answer handling of a selection step: the prompt, each reply checked for the answer the step needs,
 * feedback and another reply while it is rejected (up to `parseRetries` more), and a note of how the
 * answer came (first reply, retried or none; constrained; structured output refused). A provider
 * error ends the step at once; either way without an answer the caller falls back.
 */
import type { AnswerNote } from '@lamdagent/core';
import type { AnswerSpec } from './answer.js';
import { callProvider, describeError } from './provider-call.js';
import type { ChatMessage, ChatReply } from './providers/types.js';
import type { StepScope } from './step.js';
import type { Step } from './templates.js';

/** A reply checked: the answer's value, or why it cannot be used (told to the agent). */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };
/** A step's result: the answer's value, or why there is none (the fallback's reason). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * Asks `prompt` and checks each reply with `check`; a rejected reply gets feedback ending with
 * `reminder` (how to answer). `spec` is the answer's shape, passed to the provider with `constrain`.
 */
export async function converse<T>(
  s: StepScope,
  step: Step,
  prompt: string,
  reminder: string,
  spec: () => AnswerSpec,
  check: (reply: string) => Checked<T>,
): Promise<Outcome<T>> {
  const { o, d, ctx, rec } = s;
  const messages: ChatMessage[] = [{ role: 'user', content: d.redact(prompt) }];
  rec.transcript.push({ step, role: 'user', content: messages[0]?.content ?? '' });
  let last = '';
  const replies = o.parseRetries + 1;
  const note: AnswerNote = { step, outcome: 'fallback', replies: 0, constrained: false };
  rec.answers.push(note);
  for (let attempt = 0; attempt < replies; attempt++) {
    let reply: ChatReply;
    try {
      reply = await callProvider(s, step, messages, o.constrain ? spec() : undefined);
    } catch (e) {
      ctx.signal.throwIfAborted();
      const why = d.redact(`provider error: ${describeError(e)}`);
      rec.transcript.push({ step, role: 'error', content: why });
      return { ok: false, reason: `${step} step: ${why}` };
    }
    note.replies++;
    note.constrained = reply.constrained === true;
    if (reply.refused !== undefined) {
      note.refused = d.redact(reply.refused);
      rec.transcript.push({
        step,
        role: 'error',
        content: `the server refused structured output (${note.refused}); answers are free text ([[k]]) from now on`,
      });
    }
    rec.transcript.push({ step, role: 'assistant', content: d.redact(reply.text) });
    const c = check(reply.text);
    if (c.ok) {
      note.outcome = attempt === 0 ? 'first' : 'retried';
      return c;
    }
    last = d.redact(c.error);
    rec.transcript.push({ step, role: 'error', content: `answer rejected: ${last}` });
    if (attempt + 1 < replies) {
      const feedback = `Your answer cannot be used: ${last}. Reply again and finish with ${reminder}.`;
      messages.push({ role: 'assistant', content: reply.text }, { role: 'user', content: feedback });
      rec.transcript.push({ step, role: 'user', content: feedback });
    }
  }
  return { ok: false, reason: `${step} step: no usable answer in ${replies} ${replies === 1 ? 'reply' : 'replies'} (last problem: ${last})` };
}
