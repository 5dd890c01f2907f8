/**
 * The memory update after a finished trial: the memory prompt (the previous memory, the new result,
 * the history), one reply, cleaned and cut to the cap. A provider error, or a reply that is no
 * memory, keeps the previous memory, and the transcript says why.
 */
import type { TrialRecord } from '@lamdagent/core';
import { cleanMemory, memoryBlock, memoryReplyProblem, memoryWordLimit } from './memory.js';
import { callProvider, describeError } from './provider-call.js';
import type { ChatMessage } from './providers/types.js';
import type { StepScope } from './step.js';
import { historyText, newResultText, type StudyView } from './views.js';

/** The memory after `trial` (rewritten from `previous`), or undefined when the memory stays unchanged. */
export async function updateMemory(
  s: StepScope,
  trial: TrialRecord,
  view: StudyView,
  common: Record<string, string>,
  previous: string,
): Promise<string | undefined> {
  const { o, d, ctx, rec } = s;
  const prompt = d.templates.memory.render({
    ...common,
    history: historyText(view, trial.index),
    trial: String(trial.index),
    previous_results: historyText(view, trial.index),
    previous_memory: previous ? memoryBlock(previous) : 'Empty: this is the first memory.',
    new_result: newResultText(trial, view),
    memory_limit_words: String(memoryWordLimit(o.memoryMaxChars)),
  });
  const messages: ChatMessage[] = [{ role: 'user', content: d.redact(prompt) }];
  rec.transcript.push({ step: 'memory', role: 'user', content: messages[0]?.content ?? '' });
  let reply: string;
  try {
    reply = (await callProvider(s, 'memory', messages)).text;
  } catch (e) {
    ctx.signal.throwIfAborted();
    rec.transcript.push({ step: 'memory', role: 'error', content: d.redact(`provider error: ${describeError(e)}; memory unchanged`) });
    return undefined;
  }
  rec.transcript.push({ step: 'memory', role: 'assistant', content: d.redact(reply) });
  const next = cleanMemory(reply, o.memoryMaxChars);
  const problem = memoryReplyProblem(reply, next, o.memoryMaxChars);
  if (!problem) return next;
  rec.transcript.push({ step: 'memory', role: 'error', content: `${problem}; memory unchanged` });
  return undefined;
}
