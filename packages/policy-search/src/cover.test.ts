import { describe, expect, it } from 'vitest';
import { simulate } from './landscape.test-util.js';
import { SurrogatePolicy } from './surrogate.js';

describe('the surrogate covering design', () => {
  it('tries every action type and every dataset and learning rate once, on the best-scored model, before the forest chooses', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await simulate(() => new SurrogatePolicy(), seed, 8);
      // simWorld: sft(models, data0..3, lr0..1) and ties(models, models); the cover is complete once
      // data0..3 and lr0..1 each appeared in an sft and one ties ran: at most 4 + 2 + 1 trials, fewer when an sft covers two.
      const sfts = r.actions.filter((a) => a.name === 'sft');
      const covered = (ids: string[], upTo: number): boolean =>
        ids.every((id) => r.actions.slice(0, upTo).some((a) => a.name === 'sft' && a.inputs.some((o) => o.id === id)));
      const coverEnd =
        r.actions.findIndex(
          (_, i) => covered(['data/0', 'data/1', 'data/2', 'data/3', 'lr/0', 'lr/1'], i + 1) && r.actions.slice(0, i + 1).some((a) => a.name === 'ties'),
        ) + 1;
      expect(coverEnd, `seed ${seed}: ${r.actions.map((a) => a.name).join(' ')}`).toBeGreaterThan(0);
      expect(coverEnd).toBeLessThanOrEqual(7);
      // Every covering sft is applied to the best-scored initial model (spec3, 0.4) until a produced model beats it.
      expect(sfts[0]!.inputs[0]!.name).toBe('spec3');
      expect(r.fallbacks.slice(0, coverEnd).every((f) => f === undefined)).toBe(true);
    }
  });

  it('initialDesign: random skips the cover (the first trials are random-type)', async () => {
    const cover = await simulate(() => new SurrogatePolicy(), 5, 4);
    const random = await simulate(() => new SurrogatePolicy({ initialDesign: 'random' }), 5, 4);
    expect(cover.actions.filter((a) => a.name === 'sft').every((a) => a.inputs[0]!.name === 'spec3' || a.inputs[0]!.id.startsWith('t'))).toBe(true);
    expect(random.actions.map((a) => a.key)).not.toEqual(cover.actions.map((a) => a.key));
  });

  it('a bad initialDesign names the policy and the option', () => {
    expect(() => new SurrogatePolicy({ initialDesign: 'grid' })).toThrow(/surrogate policy, option initialDesign/);
  });
});
