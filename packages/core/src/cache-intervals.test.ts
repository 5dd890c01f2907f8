import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActionCache, CacheEntrySchema } from './action-cache.js';
import { readItemScores } from './item-results.js';
import { bootstrapMeanInterval } from './kit/bootstrap.js';
import { openStudy } from './study-folder.js';
import { runStudy } from './study-run.js';
import type { TrialRecord } from './trial.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

/** The toy world with 30 right/wrong items a task (per-item results), sharing the action cache `c`. */
function world() {
  const w = makeToyWorld({ iterations: 5, policy: 'random-type', extra: 'cache: c\n' });
  const cfg = readFileSync(w.configPath, 'utf8').replace(/options: \{ target: (\[[^\]]*\]) \}/g, 'options: { target: $1, items: 30 }');
  writeFileSync(w.configPath, cfg);
  return w;
}

const byKey = (ts: readonly TrialRecord[]) => new Map(ts.filter((t) => t.state === 'complete').map((t) => [t.action.key, t]));

/** Rewrite every cache entry as one committed before intervals were kept (no `intervals`). */
function stripIntervals(root: string): number {
  let n = 0;
  for (const k of readdirSync(path.join(root, 'entries'))) {
    const file = path.join(root, 'entries', k, 'entry.json');
    const e = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (e['intervals'] !== undefined) n++;
    delete e['intervals'];
    writeFileSync(file, JSON.stringify(e));
  }
  return n;
}

describe('a trial served by the shared action cache journals the original interval (issue 19)', () => {
  it('from the entry; from the source items for an old entry; none when the items are gone', async () => {
    const w = world();
    const a = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'a') });
    const ran = byKey(a.trials);
    expect(ran.size).toBeGreaterThan(1);
    for (const t of ran.values()) {
      // The original's interval is core's bootstrap of its per-item results.
      const items = readItemScores(path.join(a.dir, 'jobs', `t${String(t.index).padStart(4, '0')}`, 'eval'), 'ta', 'validation')!;
      expect(items).toHaveLength(30);
      const iv = bootstrapMeanInterval(items);
      expect(t.intervals?.['ta']).toEqual({ lo: iv.lo, hi: iv.hi });
    }
    expect([...ran.values()].some((t) => t.intervals!['ta']!.lo < t.intervals!['ta']!.hi)).toBe(true);
    const cache = new ActionCache(path.join(w.dir, 'c'));
    for (const t of ran.values()) expect(Object.values(cacheEntries(cache)).some((e) => e.source.trial === t.index && e.intervals !== undefined)).toBe(true);

    const check = (served: readonly TrialRecord[]): number => {
      let n = 0;
      for (const t of served) {
        if (!t.cache) continue;
        n++;
        expect(t.intervals).toEqual(ran.get(t.action.key)!.intervals);
      }
      return n;
    };
    const b = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'b') });
    expect(check(b.trials)).toBeGreaterThan(0);
    // Initial models scored through the cache carry their intervals too.
    const initA = [...openStudy(a.dir).journal.initial.values()];
    const initB = [...openStudy(b.dir).journal.initial.values()];
    expect(initB[0]?.cache).toBeDefined();
    expect(initB.map((r) => r.intervals)).toEqual(initA.map((r) => r.intervals));
    expect(initA[0]?.intervals?.['ta']).toBeDefined();

    // Entries from before: no intervals kept; the source study's per-item results give the same numbers.
    expect(stripIntervals(cache.root)).toBeGreaterThan(0);
    const c = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'c-study') });
    expect(check(c.trials)).toBeGreaterThan(0);
    expect([...openStudy(c.dir).journal.initial.values()].map((r) => r.intervals)).toEqual(initA.map((r) => r.intervals));

    // Old entries whose source items are gone still load: the trials are served, with no interval.
    rmSync(path.join(a.dir, 'jobs'), { recursive: true });
    const d = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'd') });
    const served = d.trials.filter((t) => t.cache);
    expect(served.length).toBeGreaterThan(0);
    for (const t of served) {
      expect(t.scores).toEqual(ran.get(t.action.key)!.scores);
      expect(t.intervals).toBeUndefined();
    }
  }, 60_000);
});

function cacheEntries(cache: ActionCache) {
  return Object.fromEntries(
    readdirSync(path.join(cache.root, 'entries')).map((k) => [
      k,
      CacheEntrySchema.parse(JSON.parse(readFileSync(path.join(cache.root, 'entries', k, 'entry.json'), 'utf8'))),
    ]),
  );
}
