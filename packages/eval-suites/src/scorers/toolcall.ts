import { goldList, type Gold, type Scorer } from './types.js';

/** A function call as the `toolcall` scorer compares it: `{"name": ..., "args": {...}}`. */
export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The function call a reply makes: the whole reply (trimmed) must be one JSON object with a string
 * `name` and an object `args` (`arguments` is accepted as a synonym) and nothing else; otherwise undefined.
 */
export function parseToolCall(text: string): ToolCall | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text.trim());
  } catch {
    return undefined;
  }
  if (!isRecord(raw)) return undefined;
  const keys = Object.keys(raw);
  const argsKey = 'args' in raw ? 'args' : 'arguments' in raw ? 'arguments' : undefined;
  if (argsKey === undefined || typeof raw.name !== 'string' || keys.length !== 2) return undefined;
  const args = raw[argsKey];
  if (!isRecord(args)) return undefined;
  return { name: raw.name, args };
}

/** Structural equality of JSON values: same types (3 is not "3"), same keys (in any order), same items in order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The call, re-serialized with sorted argument names (what the per-item results keep). */
function canonical(call: ToolCall): string {
  const args = Object.fromEntries(
    Object.keys(call.args)
      .sort()
      .map((k) => [k, call.args[k]]),
  );
  return JSON.stringify({ name: call.name, args });
}

/**
 * ACEBench's normal setting: correct when the reply is exactly one function call whose name and
 * arguments equal the gold's (a JSON string of `{"name","args"}`, or a list of accepted ones):
 * a wrong or missing argument, an extra one, a value of another type or a reply that is not JSON fails.
 */
export function scoreToolCall(prediction: string, gold: Gold): boolean {
  const call = parseToolCall(prediction);
  if (!call) return false;
  return goldList(gold).some((g) => {
    const want = parseToolCall(g);
    if (!want) throw new TypeError(`toolcall scorer: the gold ${JSON.stringify(g)} is not a {"name","args"} JSON call`);
    return want.name === call.name && jsonEqual(want.args, call.args);
  });
}

export const toolcall: Scorer = {
  name: 'toolcall',
  extract: (prediction) => {
    const call = parseToolCall(prediction);
    return call ? canonical(call) : undefined;
  },
  score: scoreToolCall,
};
