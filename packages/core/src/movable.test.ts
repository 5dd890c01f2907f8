import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeToyWorld } from '../test-fixtures/toy-world.js';
import { readJournal } from './journal.js';
import { resumeStudy, runStudy } from './study-run.js';

const lines = (dir: string) =>
  readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('movable studies', () => {
  it('stores artifact paths relative to the study folder; mv and cp -r then resume use the moved artifacts', async () => {
    const w = makeToyWorld({ iterations: 6, policy: 'greedy' });
    const a = path.join(w.dir, 'a');
    await runStudy({ configPath: w.configPath, outDir: a });
    const ends = lines(a).filter((r) => r['kind'] === 'trial-end') as { trial: { state: string; produced?: { path: string } } }[];
    const produced = ends.filter((e) => e.trial.state === 'complete').map((e) => e.trial.produced!.path);
    expect(produced.length).toBeGreaterThan(0);
    for (const p of produced) expect(p).toMatch(/^artifacts\/t\d{4}$/);
    // in memory, paths are absolute in the folder the study is in now
    expect([...readJournal(path.join(a, 'journal.jsonl')).trials.values()].find((t) => t.produced)!.produced!.path).toBe(path.join(a, produced[0]!));

    // mv, then resume: the produced models are found in the new place
    const b = path.join(w.dir, 'b');
    renameSync(a, b);
    const sb = await resumeStudy({ dir: b, iterations: 9 });
    expect(sb.trials).toHaveLength(9);
    expect(sb.trials.filter((t) => t.state === 'failed')).toEqual([]);
    for (const t of sb.trials) if (t.produced && t.state === 'complete') expect(t.produced.path.startsWith(b + path.sep)).toBe(true);

    // cp -r, original removed: the copy reads its own artifacts
    const c = path.join(w.dir, 'c');
    cpSync(b, c, { recursive: true });
    rmSync(b, { recursive: true });
    const sc = await resumeStudy({ dir: c, iterations: 12 });
    expect(sc.trials).toHaveLength(12);
    expect(sc.trials.filter((t) => t.state === 'failed')).toEqual([]);
  });

  it('loads a journal written with absolute paths (earlier versions) and, once copied, reads the copy', async () => {
    const w = makeToyWorld({ iterations: 4, policy: 'greedy' });
    const a = path.join(w.dir, 'a');
    await runStudy({ configPath: w.configPath, outDir: a });
    // rewrite as an earlier version wrote it: absolute artifact paths
    const old = lines(a).map((r) => {
      const t = (r as { trial?: { produced?: { path: string } } }).trial;
      if (t?.produced) t.produced.path = path.join(a, t.produced.path);
      return JSON.stringify(r);
    });
    writeFileSync(path.join(a, 'journal.jsonl'), `${old.join('\n')}\n`);
    const c = path.join(w.dir, 'c');
    cpSync(a, c, { recursive: true });
    const t = [...readJournal(path.join(c, 'journal.jsonl')).trials.values()].filter((x) => x.produced && x.state === 'complete');
    expect(t.length).toBeGreaterThan(0);
    for (const x of t) expect(x.produced!.path.startsWith(c + path.sep)).toBe(true);
    // the original keeps reading its own
    for (const x of [...readJournal(path.join(a, 'journal.jsonl')).trials.values()].filter((y) => y.produced && y.state === 'complete'))
      expect(x.produced!.path.startsWith(a + path.sep)).toBe(true);
    const s = await resumeStudy({ dir: c, iterations: 6 });
    expect(s.trials.filter((x) => x.state === 'failed')).toEqual([]);
  });
});
