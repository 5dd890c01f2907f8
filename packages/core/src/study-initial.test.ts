import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from './journal.js';
import { RandomTypePolicy } from './policies-random.js';
import type { Policy, PolicyContext, Selection } from './policy.js';
import { resumeStudy, runStudy } from './study-run.js';
import type { InitialScore } from './trial.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

/** Random-type, recording what the study showed it as initial scores at each selection. */
class Recording implements Policy {
  readonly name = 'recording';
  readonly seen: (readonly InitialScore[] | undefined)[] = [];
  readonly #inner = new RandomTypePolicy();
  select(ctx: PolicyContext): Promise<Selection> {
    this.seen.push(ctx.initial);
    return this.#inner.select(ctx);
  }
}

describe('initial models scored at the start', () => {
  it('journals each distinct initial model once (not a trial) and shows the scores to the policy', async () => {
    // base is listed under base_models and models (one digest), plus a specialist under models.
    const w = makeToyWorld({ iterations: 3 });
    const cfg = readFileSync(w.configPath, 'utf8').replace('\n  models: [models/base]', '\n  models: [models/base, models/spec]');
    writeFileSync(w.configPath, cfg);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(path.join(w.dir, 'models', 'spec'));
    writeFileSync(path.join(w.dir, 'models', 'spec', 'model.json'), JSON.stringify({ w: [1, 0, 0] }));
    const policy = new Recording();
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's'), services: { policy } });
    expect(s.trials).toHaveLength(3);
    const j = readJournal(path.join(w.dir, 's', 'journal.jsonl'));
    const recs = [...j.initial.values()];
    expect(recs).toHaveLength(2);
    const base = recs.find((r) => r.ids.includes('models/0'))!;
    expect(base.ids.sort()).toEqual(['base_models/0', 'models/0']);
    // toy evaluator: 1 - distance to the task target; the aggregator is the mean of ta and tb.
    const spec = recs.find((r) => r.ids.includes('models/1'))!;
    expect(spec.scores['ta']).toBeGreaterThan(base.scores['ta']!);
    expect(spec.reward).toBeCloseTo((spec.scores['ta']! + spec.scores['tb']!) / 2, 12);
    for (const seen of policy.seen) expect(seen?.map((x) => x.id).sort()).toEqual(['base_models/0', 'models/0', 'models/1']);
    expect(policy.seen[0]!.find((x) => x.id === 'models/1')?.reward).toBe(spec.reward);
  });

  it('an initial model that cannot be scored is journaled with its error; the study runs on without it', async () => {
    const w = makeToyWorld({ iterations: 2, extra: 'evaluators: { toy: { fail: true } }\n' });
    const policy = new Recording();
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's'), services: { policy } });
    expect(s.trials).toHaveLength(2);
    const [rec] = [...readJournal(path.join(w.dir, 's', 'journal.jsonl')).initial.values()];
    expect(rec?.error).toContain('toy evaluator broke');
    expect(rec?.reward).toBeUndefined();
    expect(policy.seen.every((x) => x?.length === 0)).toBe(true);
  });

  it('scoreInitialModels: false takes none; a resumed study scores them once, never again', async () => {
    const off = makeToyWorld({ iterations: 2, extra: 'scoreInitialModels: false\n' });
    await runStudy({ configPath: off.configPath, outDir: path.join(off.dir, 's') });
    expect(readJournal(path.join(off.dir, 's', 'journal.jsonl')).initial.size).toBe(0);

    const w = makeToyWorld({ iterations: 2 });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out });
    const file = path.join(out, 'journal.jsonl');
    // An older journal: no initial records.
    writeFileSync(
      file,
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => !l.includes('"kind":"initial"'))
        .join('\n'),
    );
    await resumeStudy({ dir: out, iterations: 3 });
    await resumeStudy({ dir: out, iterations: 4 });
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('"kind":"initial"'));
    expect(lines).toHaveLength(1);
    expect(readJournal(file).trials.size).toBe(4);
  });
});
