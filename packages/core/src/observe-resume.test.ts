import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeToyWorld } from '../test-fixtures/toy-world.js';
import type { JsonValue } from './json.js';
import { readJournal } from './journal.js';
import type { Policy } from './policy.js';
import { resumeStudy, runStudy } from './study-run.js';

/** A policy with a journaled memory: the list of trials it has seen. */
function rememberingPolicy(): Policy & { seen: number[] } {
  const p = {
    name: 'remembering',
    seen: [] as number[],
    async select(ctx: Parameters<Policy['select']>[0]) {
      return { action: ctx.space.at(ctx.iteration % ctx.space.count()) };
    },
    async observe(t: { index: number }) {
      p.seen.push(t.index);
      return { state: p.seen as unknown as JsonValue };
    },
    restore(state: JsonValue) {
      p.seen = [...(state as number[])];
    },
  };
  return p;
}

describe('an interrupted policy update is redone on resume', () => {
  it('observes again a finished trial whose observe record was lost (kill -9 between the two appends)', async () => {
    const w = makeToyWorld({ iterations: 3 });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out, services: { policy: rememberingPolicy() } });
    // drop the last observe record, as a kill -9 right after the trial-end would
    const file = path.join(out, 'journal.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const last = lines.map((l) => (JSON.parse(l) as { kind: string }).kind).lastIndexOf('observe');
    writeFileSync(file, `${lines.filter((_, i) => i !== last).join('\n')}\n`);
    expect(readJournal(file).observes.map((o) => o.index)).toEqual([0, 1]);
    const p = rememberingPolicy();
    await resumeStudy({ dir: out, iterations: 4, services: { policy: p } });
    const j = readJournal(file);
    expect(j.observes.map((o) => o.index)).toEqual([0, 1, 2, 3]);
    expect(p.seen).toEqual([0, 1, 2, 3]);
  });
});
