import type { PoolObject } from '@lamdagent/core';

/** `x.0.25x.jsonl` is the low-fidelity variant of `x.jsonl` (a data fraction below 1). */
const FRACTION = /^(.*)\.(0?\.\d+)x(\.[^./]+)$/;

/**
 * Pairs of objects of one pool list where the first is a low-fidelity variant (a smaller sample of the
 * data) of the second: named in the options (`low: { "arith-250": "arith-1k" }`), or by file names
 * (`arith.0.25x.jsonl` beside `arith.jsonl`). Actions with a low object are screens; their models are
 * never built on.
 */
export class Fidelity {
  readonly #fullOf = new Map<string, string>();
  readonly #lowOf = new Map<string, string>();
  /** Problems with the named pairs (unknown names, different lists). */
  readonly problems: string[] = [];

  constructor(pool: readonly PoolObject[], named: Record<string, string>) {
    const byName = new Map<string, PoolObject[]>();
    for (const o of pool) byName.set(o.name, [...(byName.get(o.name) ?? []), o]);
    for (const [lowName, fullName] of Object.entries(named)) {
      const lows = byName.get(lowName) ?? [];
      const fulls = byName.get(fullName) ?? [];
      if (!lows.length) this.problems.push(`no object named ${lowName}`);
      if (!fulls.length) this.problems.push(`no object named ${fullName}`);
      for (const l of lows) {
        const f = fulls.find((x) => x.kind === l.kind);
        if (f) this.#pair(l, f);
        else if (fulls.length) this.problems.push(`${lowName} and ${fullName} are in different lists`);
      }
    }
    const byValue = new Map(pool.filter((o) => typeof o.value === 'string').map((o) => [`${o.kind}\n${o.value as string}`, o]));
    for (const o of pool) {
      if (typeof o.value !== 'string' || this.#fullOf.has(o.id)) continue;
      const m = FRACTION.exec(o.value);
      const full = m && Number(m[2]) < 1 ? byValue.get(`${o.kind}\n${m[1]}${m[3]}`) : undefined;
      if (full) this.#pair(o, full);
    }
  }

  #pair(low: PoolObject, full: PoolObject): void {
    this.#fullOf.set(low.id, full.id);
    if (!this.#lowOf.has(full.id)) this.#lowOf.set(full.id, low.id);
  }

  get size(): number {
    return this.#fullOf.size;
  }

  isLow(id: string): boolean {
    return this.#fullOf.has(id);
  }

  fullOf(id: string): string {
    return this.#fullOf.get(id) ?? id;
  }

  lowOf(id: string): string | undefined {
    return this.#lowOf.get(id);
  }
}
