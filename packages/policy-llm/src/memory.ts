import { z } from 'zod';
import type { JsonValue } from '@lamdagent/core';
import { stripReasoning } from './parse.js';

/** What `observe` journals and `restore` reads back. */
export const MemoryStateSchema = z.object({
  version: z.literal(1),
  /** The agent's memory text. */
  memory: z.string(),
  /** How many memory updates produced it. */
  updates: z.number().int().min(0),
});
export type MemoryState = z.infer<typeof MemoryStateSchema>;

export function toJson(state: MemoryState): JsonValue {
  return { version: state.version, memory: state.memory, updates: state.updates };
}

/** Reads a journaled state (a bare string is taken as the memory text). Throws naming the bad field. */
export function parseMemoryState(value: JsonValue): MemoryState {
  if (typeof value === 'string') return { version: 1, memory: value, updates: 0 };
  const r = MemoryStateSchema.safeParse(value);
  if (r.success) return r.data;
  const i = r.error.issues[0];
  throw new TypeError(`llm policy state: ${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid'}`);
}

/** Words the memory prompt asks for, from the character cap (about 7 characters a word). */
export function memoryWordLimit(maxChars: number): number {
  return Math.max(30, Math.floor(maxChars / 7));
}

/**
 * The memory from a reply: reasoning and a leading "Updated memory:" label removed, whitespace trimmed,
 * cut to `maxChars` at a sentence or line end when one is near.
 */
export function cleanMemory(reply: string, maxChars: number): string {
  let s = stripReasoning(reply)
    .trim()
    .replace(/^(?:#+\s*)?(?:\*\*)?(?:updated\s+)?memory(?:\*\*)?\s*:?\s*(?:\*\*)?\s*/i, '')
    .trim();
  if (s.length <= maxChars) return s;
  const cut = s.slice(0, maxChars - 1);
  const end = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('.\n'), cut.lastIndexOf('\n'));
  s = end >= maxChars * 0.6 ? cut.slice(0, end + 1).trimEnd() : cut.trimEnd();
  return `${s}…`;
}
