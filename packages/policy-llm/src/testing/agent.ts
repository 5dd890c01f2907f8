import { createHash } from 'node:crypto';
import type { RecordedRequest, ScriptStep } from './fake-server.js';

export interface AgentOptions {
  /**
   * Answer as a deterministic model would: every reply is a function of the request's messages alone
   * (not of how many requests came before), with no rate-limit answer and no malformed reply. Two
   * policies given the same prompts get the same answers, whatever else shares the server.
   */
  deterministic?: boolean;
}

/**
 * A fake agent LLM that reads the prompt like a model would: it answers the type step with a number,
 * the objects step with valid indices read from the candidate lists (a new combination each time it
 * is told its answer cannot be used), and the memory step with a note naming the new result. By
 * default its second request is answered 429 and one later objects answer is malformed.
 */
export function makeAgent(opts: AgentOptions = {}): (req: RecordedRequest, n: number) => ScriptStep {
  if (opts.deterministic) return (req) => agent(req, messagesHash(req), () => false, false);
  let malformedSent = false;
  return (req, n) => agent(req, n, () => !malformedSent && n > 2 && (malformedSent = true), true);
}

function messagesHash(req: RecordedRequest): number {
  const { messages } = req.body as { messages: unknown };
  return parseInt(createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 8), 16);
}

function agent(req: RecordedRequest, n: number, sendMalformed: () => boolean, rateLimit: boolean): ScriptStep {
  const body = req.body as { messages: { role: string; content: string }[] };
  const first = body.messages[0]?.content ?? '';
  const retries = body.messages.filter((m) => m.role === 'assistant').length;
  if (rateLimit && n === 1) return { status: 429, headers: { 'retry-after': '0' } };
  if (first.includes('# New result')) {
    const line = /# New result\n(.*)/.exec(first)?.[1] ?? '';
    return { reply: `Lesson: latest was ${line.slice(0, 80)}. Try merging the best produced models next.`, usage: { input: 700, output: 20 } };
  }
  if (first.includes('# Action types')) {
    const count = Number(/between 0 and (\d+)/.exec(first)?.[1] ?? 0) + 1;
    return { reply: `Choosing. [[${n % count}]]`, usage: { input: 500, output: 8 } };
  }
  if (sendMalformed()) return { reply: 'I am not sure what to pick.' }; // malformed: fed back, then answered
  const sizes = new Map<string, number>();
  for (const m of first.matchAll(/^List (\w+) \([^,]+, (\d+) candidates?\):/gm)) sizes.set(m[1] as string, Number(m[2]));
  const lists = [...first.matchAll(/^\d+\. \w+: an index into list (\w+)/gm)].map((m) => m[1] as string);
  const used = new Map<string, number>();
  const picks = lists.map((l) => {
    const size = sizes.get(l) ?? 1;
    const k = used.get(l) ?? 0;
    used.set(l, k + 1);
    return (n + retries + k) % size;
  });
  return { reply: `[[${picks.join(', ')}]]`, usage: { input: 900, output: 12 } };
}
