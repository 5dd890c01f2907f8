/**
 * Constrained answers: the grammar or JSON schema that makes a selection answer unable to leave the
 * enumerated candidates. One spec per selection step; each provider turns it into what its server
 * understands (llama.cpp GBNF grammar, OpenAI `response_format: json_schema`, Ollama `format`).
 */

/**
 * Servers' JSON-schema grammars (llama.cpp's among them) admit runs of whitespace between tokens, and
 * small models fill them: a structured answer gets at least this many output tokens whatever
 * `maxOutputTokens` says (its language is finite, so the cap's purpose, stopping rambling, is moot).
 */
export const MIN_STRUCTURED_OUTPUT_TOKENS = 256;

/** What one selection answer must be: one index per slot, each in [0, size). */
export interface AnswerSpec {
  /** `type` (one slot: the action type), `objects` (one slot per input) or `shortlist` (one slot: a proposal). */
  step: 'type' | 'objects' | 'shortlist';
  slots: readonly { name: string; size: number }[];
  /**
   * Index tuples that are not acceptable (actions already run or running, answers already rejected).
   * The llama.cpp grammar excludes them; JSON schemas cannot, so those are checked after the reply.
   */
  exclude?: readonly (readonly number[])[];
  /**
   * Groups of slot positions whose indices must differ (the models of a merge: one list shown once, so
   * equal indices mean the same model). The llama.cpp grammar enforces them; JSON schemas cannot.
   */
  distinct?: readonly (readonly number[])[];
}

/** JSON property names of the slots: the slot names, made unique and safe (`model`, `model_2`). */
export function answerKeys(spec: AnswerSpec): string[] {
  if (spec.step !== 'objects') return ['choice'];
  const seen = new Map<string, number>();
  return spec.slots.map((s) => {
    const base = s.name.replace(/[^A-Za-z0-9_]/g, '_') || 'input';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function checkSpec(spec: AnswerSpec): void {
  if (!spec.slots.length) throw new RangeError('an answer needs at least one slot');
  for (const s of spec.slots) if (!Number.isInteger(s.size) || s.size < 1) throw new RangeError(`slot ${s.name} has no candidates`);
}

type Trie = Map<number, Trie>;

/** The spec's excluded tuples as a trie (one level per slot); tuples of the wrong length or out of range are ignored. */
function exclusionTrie(spec: AnswerSpec): Trie {
  const trie: Trie = new Map();
  for (const t of spec.exclude ?? []) {
    if (t.length !== spec.slots.length || t.some((v, k) => !Number.isInteger(v) || v < 0 || v >= (spec.slots[k] as { size: number }).size)) continue;
    let node = trie;
    for (const v of t) {
      let next = node.get(v);
      if (!next) node.set(v, (next = new Map()));
      node = next;
    }
  }
  return trie;
}

/**
 * A GBNF grammar (llama.cpp) accepting exactly `[[i]]` or `[[i, j, ...]]` with every index a listed
 * candidate and no excluded tuple: the same text the free-text parser reads, so the rest of the policy
 * is unchanged. Exclusions become a trie of rules (size grows with the number of excluded tuples);
 * when they exclude everything they are dropped.
 */
export function answerGrammar(spec: AnswerSpec): string {
  checkSpec(spec);
  const groups = (spec.distinct ?? []).filter((g) => g.length > 1 && g.every((p) => Number.isInteger(p) && p >= 0 && p < spec.slots.length));
  if (groups.length) return distinctGrammar(spec, groups);
  const n = spec.slots.length;
  const size = (k: number): number => (spec.slots[k] as { size: number }).size;
  const lits = (vals: readonly number[]): string => vals.map((i) => `"${i}"`).join(' | ');
  const rules = spec.slots.map((s, k) => `s${k} ::= ${lits(range(s.size))}`);
  for (let k = 0; k < n; k++) rules.push(k < n - 1 ? `t${k} ::= s${k} ", " t${k + 1}` : `t${k} ::= s${k}`);
  const trie = exclusionTrie(spec);
  let id = 0;
  const extra: string[] = [];
  const build = (node: Trie, k: number): string | undefined => {
    const alts: string[] = [];
    const free = range(size(k)).filter((v) => !node.has(v));
    if (free.length) alts.push(k < n - 1 ? `(${lits(free)}) ", " t${k + 1}` : `(${lits(free)})`);
    if (k < n - 1) {
      for (const [v, child] of [...node].sort((a, b) => a[0] - b[0])) {
        const r = build(child, k + 1);
        if (r) alts.push(`"${v}" ", " ${r}`);
      }
    }
    if (!alts.length) return undefined;
    const name = `x${id++}`;
    extra.push(`${name} ::= ${alts.join(' | ')}`);
    return name;
  };
  const body = trie.size ? (build(trie, 0) ?? 't0') : 't0';
  if (body === 't0') extra.length = 0;
  return [`root ::= "[[" ${body} "]]"`, ...rules, ...extra].join('\n');
}

type Forbidden = ReadonlyMap<number, ReadonlySet<number>>;

/**
 * answerGrammar with distinct groups: where a position shares a group with later positions, the rule
 * branches on its value and the later positions' rules leave that value out (rules are shared between
 * branches that forbid the same values). Exclusions are dropped when, with the groups, they would
 * leave nothing; the groups are dropped when they alone leave nothing (a group larger than its list).
 */
function distinctGrammar(spec: AnswerSpec, groups: readonly (readonly number[])[]): string {
  const n = spec.slots.length;
  const size = (k: number): number => (spec.slots[k] as { size: number }).size;
  const lits = (vals: readonly number[]): string => vals.map((i) => `"${i}"`).join(' | ');
  const later = range(n).map((k) => [...new Set(groups.filter((g) => g.includes(k)).flatMap((g) => g.filter((q) => q > k)))]);
  const trie = exclusionTrie(spec);
  let rules: string[] = [];
  let memo = new Map<string, string | undefined>();
  const add = (body: string): string => {
    const name = `r${rules.length}`;
    rules.push(`${name} ::= ${body}`);
    return name;
  };
  const allowed = (k: number, forb: Forbidden, skip?: Trie): number[] => range(size(k)).filter((v) => !forb.get(k)?.has(v) && !skip?.has(v));
  const choose = (forb: Forbidden, k: number, v: number): Forbidden => {
    const qs = later[k] as number[];
    if (!qs.length) return forb;
    const m = new Map(forb);
    for (const q of qs) m.set(q, new Set([...(m.get(q) ?? []), v]));
    return m;
  };
  // Alternatives for the values `vals` at position k followed by unconstrained (but distinct) suffixes.
  const alternatives = (k: number, vals: readonly number[], forb: Forbidden): string[] => {
    if (!vals.length) return [];
    if (k === n - 1) return [`(${lits(vals)})`];
    if (!(later[k] as number[]).length) {
      const rest = free(k + 1, forb);
      return rest ? [`(${lits(vals)}) ", " ${rest}`] : [];
    }
    return vals.flatMap((v) => {
      const rest = free(k + 1, choose(forb, k, v));
      return rest ? [`"${v}" ", " ${rest}`] : [];
    });
  };
  const free = (k: number, forb: Forbidden): string | undefined => {
    const key = `${k}|${[...forb]
      .filter(([q]) => q >= k)
      .sort((a, b) => a[0] - b[0])
      .map(([q, vs]) => `${q}:${[...vs].sort((a, b) => a - b).join('.')}`)
      .join(';')}`;
    if (memo.has(key)) return memo.get(key);
    const alts = alternatives(k, allowed(k, forb), forb);
    const name = alts.length ? add(alts.join(' | ')) : undefined;
    memo.set(key, name);
    return name;
  };
  const build = (node: Trie, k: number, forb: Forbidden): string | undefined => {
    const alts = alternatives(k, allowed(k, forb, node), forb);
    if (k < n - 1) {
      for (const [v, child] of [...node].sort((a, b) => a[0] - b[0])) {
        if (forb.get(k)?.has(v)) continue;
        const r = build(child, k + 1, choose(forb, k, v));
        if (r) alts.push(`"${v}" ", " ${r}`);
      }
    }
    return alts.length ? add(alts.join(' | ')) : undefined;
  };
  let body = trie.size ? build(trie, 0, new Map()) : free(0, new Map());
  if (body === undefined && trie.size) {
    rules = [];
    memo = new Map();
    body = free(0, new Map());
  }
  if (body === undefined) return answerGrammar({ step: spec.step, slots: spec.slots });
  return [`root ::= "[[" ${body} "]]"`, ...rules].join('\n');
}

/** A strict JSON schema (one integer property per slot, an enum of its indices). */
export function answerJsonSchema(spec: AnswerSpec): Record<string, unknown> {
  checkSpec(spec);
  const keys = answerKeys(spec);
  const properties: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    properties[k] = { type: 'integer', enum: range((spec.slots[i] as { size: number }).size) };
  });
  return { type: 'object', properties, required: keys, additionalProperties: false };
}

/**
 * Reads a JSON answer (`{"choice": 2}`, `{"base_model": 0, "model": 3}`) into `[[...]]` text for the
 * shared parser, or returns undefined when the reply is not such an object (free text, prose).
 */
export function jsonAnswerText(reply: string, spec: AnswerSpec): string | undefined {
  const text = reply
    .trim()
    .replace(/^```(?:json)?\s*/i, '')
    .replace(/\s*```$/, '');
  if (!text.startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Cut short in the whitespace a JSON grammar admits (small models fill it up to the token cap):
    // read the `"key": integer` pairs that did arrive; every key must be there.
    const keys = answerKeys(spec);
    const found = keys.map((k) => new RegExp(`"${k}"\\s*:\\s*(-?\\d+)\\s*[,}]?`).exec(text)?.[1]);
    return found.every((v) => v !== undefined) ? `[[${found.join(', ')}]]` : undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const keys = answerKeys(spec);
  const picked = keys.map((k) => obj[k]);
  if (picked.every((v) => typeof v === 'number' && Number.isInteger(v))) return `[[${picked.join(', ')}]]`;
  // Another key naming: take the integer values in order when their count matches.
  const ints = Object.values(obj).filter((v): v is number => typeof v === 'number' && Number.isInteger(v));
  return ints.length === keys.length ? `[[${ints.join(', ')}]]` : undefined;
}
