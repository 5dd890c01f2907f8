import { z } from 'zod';

/**
 * Defensive reading of agent replies. The agent only ever names indices into enumerated lists;
 * the last well-formed bracketed answer wins, then its arity and ranges are checked.
 */
export type Parsed = { ok: true; indices: number[]; raw: string } | { ok: false; error: string };

/** The integer list inside brackets: `1, 0, 2` (commas or spaces; nothing else). */
const IndexListSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().regex(/^-?\d+(?:\s*[,;\s]\s*-?\d+)*,?$/, 'a list of integers'))
  .transform((s) =>
    s
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map(Number),
  )
  .pipe(z.array(z.number().int().safe()).min(1));

/** Removes reasoning that some models emit before answering (`<think>...</think>`). */
export function stripReasoning(text: string): string {
  let out = text.replace(/<think>[\s\S]*?<\/think>/gi, '');
  // An unclosed think block: what follows it is reasoning cut short, with no answer.
  const open = out.search(/<think>/i);
  if (open >= 0) out = out.slice(0, open);
  return out;
}

function lastWellFormed(text: string, re: RegExp): { indices: number[]; raw: string } | undefined {
  const matches = [...text.matchAll(re)];
  for (let i = matches.length - 1; i >= 0; i--) {
    const m = matches[i] as RegExpMatchArray;
    const r = IndexListSchema.safeParse(m[1] ?? '');
    if (r.success) return { indices: r.data, raw: m[0] };
  }
  return undefined;
}

/** Finds the answer: the last well-formed `[[...]]`, else the last `[...]` of integers, else (single answers) a bare final number. */
export function extractIndices(reply: string, expectSingle: boolean): Parsed {
  const text = stripReasoning(reply);
  const found = lastWellFormed(text, /\[\[([^[\]]*)\]\]/g) ?? lastWellFormed(text, /\[([^[\]]*)\]/g);
  if (found) return { ok: true, ...found };
  if (expectSingle) {
    const lines = text
      .split('\n')
      .map((l) => l.replace(/[*_`#>]/g, '').trim())
      .filter(Boolean);
    const last = lines[lines.length - 1] ?? '';
    const m = /^(?:[A-Za-z ]{0,40}[:=-]\s*)?(-?\d+)\.?$/.exec(last);
    if (m) return { ok: true, indices: [Number(m[1])], raw: last };
    return { ok: false, error: 'no answer found: finish the reply with the chosen number in double brackets, e.g. [[0]]' };
  }
  return { ok: false, error: 'no answer found: finish the reply with the chosen numbers in double brackets, e.g. [[0, 1, 0]]' };
}

/** The chosen action type: exactly one index in [0, count). */
export function parseTypeAnswer(reply: string, count: number, what = 'action type'): Parsed {
  const p = extractIndices(reply, true);
  if (!p.ok) return p;
  if (p.indices.length !== 1) return { ok: false, error: `expected exactly one number, got ${p.indices.length} in ${p.raw}` };
  const i = p.indices[0] as number;
  if (i < 0 || i >= count) return { ok: false, error: `${i} is not a listed ${what}: choose a number from 0 to ${count - 1}` };
  return p;
}

/** The chosen objects: one index per position, each in range of its list. */
export function parseObjectsAnswer(reply: string, slots: readonly { name: string; list: string; size: number }[]): Parsed {
  const p = extractIndices(reply, slots.length === 1);
  if (!p.ok) return p;
  if (p.indices.length !== slots.length) {
    return {
      ok: false,
      error: `expected ${slots.length} number${slots.length === 1 ? '' : 's'} (one per input: ${slots.map((s) => s.name).join(', ')}), got ${p.indices.length} in ${p.raw}`,
    };
  }
  const bad: string[] = [];
  p.indices.forEach((i, k) => {
    const s = slots[k] as { name: string; list: string; size: number };
    if (i < 0 || i >= s.size) bad.push(`${i} for input ${k + 1} (${s.name}) is out of range: list ${s.list} has indices 0 to ${s.size - 1}`);
  });
  if (bad.length) return { ok: false, error: bad.join('; ') };
  return p;
}
