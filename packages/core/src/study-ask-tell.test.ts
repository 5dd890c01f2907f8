import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from './journal.js';
import { RandomPolicy } from './policies-random.js';
import type { Policy } from './policy.js';
import type { Clock, Logger } from './study-services.js';
import { createStudy, loadStudy, resumeStudy, runStudy } from './study-run.js';
import { makeToyWorld, TOY_PLUGIN } from '../test-fixtures/toy-world.js';

const results = (ta: number, tb: number) => [
  { task: 'ta', metric: 'acc', score: ta, split: 'validation' as const },
  { task: 'tb', metric: 'acc', score: tb, split: 'validation' as const },
];

describe('ask and tell from outside the loop', () => {
  it("asks trials, runs them with the caller's own machinery, tells outcomes, and a resume continues from them", async () => {
    const w = makeToyWorld({ iterations: 3 });
    const out = path.join(w.dir, 's');
    const { study } = await createStudy({ configPath: w.configPath, outDir: out });
    const t0 = await study.ask();
    expect(t0.index).toBe(0);
    expect(t0.reuses).toBeUndefined();
    expect(readJournal(path.join(out, 'journal.jsonl')).running.get(0)?.action.key).toBe(t0.action.key);
    // "Our cluster" trained the model somewhere and scored it.
    const artifact = path.join(w.dir, 'elsewhere', 'model-0');
    mkdirSync(artifact, { recursive: true });
    writeFileSync(path.join(artifact, 'model.json'), JSON.stringify({ w: [0.5, 0, 0] }));
    const r0 = await study.tell(t0, { state: 'complete', artifact, results: results(0.5, 0.25), durations: { execute: 12 } });
    expect(r0).toMatchObject({
      index: 0,
      state: 'complete',
      scores: { ta: 0.5, tb: 0.25 },
      produced: { id: 't0', name: '0--0--0', path: artifact },
      durations: { execute: 12 },
    });
    expect(r0.reward).toBeCloseTo(0.375, 10);
    // The produced model joined the pool: the policy may now build on it.
    expect(study.history()).toEqual([r0]);
    const t1 = await study.ask();
    expect(t1.reuses).toBeUndefined();
    await expect(study.tell(t1)).rejects.toThrow(/runs its action: tell its outcome/);
    const r1 = await study.tell(t1, { state: 'failed', error: { type: 'NodeFail', message: 'node 7 died' } });
    expect(r1).toMatchObject({ index: 1, state: 'failed', error: { type: 'NodeFail', message: 'node 7 died' } });
    await study.close();
    expect(existsSync(path.join(out, '.lock'))).toBe(false);

    const s = await resumeStudy({ dir: out });
    expect(s.trials).toHaveLength(3);
    expect(s.trials[0]).toEqual(r0);
    expect(s.trials[1]).toEqual(r1);
  });

  it('a repeated action needs no run: tell without an outcome records it as cached, or failed again', async () => {
    const w = makeToyWorld({ iterations: 20, datasets: { a: { target: [1, 0, 0] } } });
    const { study } = await createStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    const told = new Map<string, number>();
    try {
      for (let i = 0; i < 12; i++) {
        const t = await study.ask();
        if (t.reuses) {
          const r = await study.tell(t);
          expect(r.cachedFrom).toBe(told.get(t.action.key));
          expect(r.state).toBe(t.action.type === 'sft' ? 'cached' : 'failed');
          if (r.state === 'failed') expect(r.error?.message).toMatch(/^same action failed in trial \d+: merge refused$/);
          continue;
        }
        told.set(t.action.key, t.index);
        if (t.action.type === 'sft') await study.tell(t, await study.execute(t));
        else await study.tell(t, { state: 'failed', error: { type: 'Refused', message: 'merge refused' } });
      }
      expect(study.history().filter((t) => t.state === 'cached' || t.cachedFrom !== undefined).length).toBeGreaterThan(0);
    } finally {
      await study.close();
    }
  });
});

describe('services', () => {
  it('a caller replaces the logger, the clock and the policy; the engine uses them', async () => {
    const w = makeToyWorld({ iterations: 3 });
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) };
    let ms = 0;
    const clock: Clock = { now: () => '2030-01-01T00:00:00.000Z', monotonicMs: () => (ms += 250) };
    const policy: Policy = {
      name: 'stubborn',
      select: async () => {
        throw new Error('no idea what to do');
      },
    };
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's'), services: { logger, clock, policy } });
    expect(s.trials).toHaveLength(3);
    for (const t of s.trials) {
      expect(t.startedAt).toBe('2030-01-01T00:00:00.000Z');
      expect(t.policy).toMatchObject({ policy: 'stubborn', fallback: 'policy error: no idea what to do' });
    }
    expect(lines.filter((l) => l.startsWith('warn trial '))).toHaveLength(3);
    expect(s.trials.find((t) => t.state === 'complete')?.durations['execute']).toBeGreaterThan(0);
  });
});

describe('interrupted while the policy chooses', () => {
  it('stops before the trial starts (no random action in its place), and a resume continues', async () => {
    const w = makeToyWorld({ iterations: 5 });
    const out = path.join(w.dir, 's');
    const controller = new AbortController();
    const inner = new RandomPolicy();
    let calls = 0;
    // An agent whose third call is cut short by the user (SIGINT): its provider rejects with the abort.
    const policy: Policy = {
      name: 'thinker',
      select: async (ctx) => {
        if (++calls === 3) {
          controller.abort(new Error('stopped by the user'));
          throw ctx.signal.reason as Error;
        }
        return inner.select(ctx);
      },
    };
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`) };
    const s = await runStudy({ configPath: w.configPath, outDir: out, signal: controller.signal, services: { policy, logger } });
    expect(s.stopReason).toBe('interrupted');
    expect(s.trials.map((t) => t.index)).toEqual([0, 1]);
    expect(s.trials.every((t) => t.policy?.fallback === undefined)).toBe(true);
    expect(lines.filter((l) => l.includes('policy error'))).toEqual([]);
    const journal = readJournal(path.join(out, 'journal.jsonl'));
    expect(journal.running.size).toBe(0);
    expect(journal.trials).toHaveLength(2);

    const r = await resumeStudy({ dir: out, services: { policy: inner } });
    expect(r.trials.map((t) => t.index)).toEqual([0, 1, 2, 3, 4]);
    expect(r.trials.every((t) => t.policy?.fallback === undefined)).toBe(true);
  });
});

describe('journal compatibility', () => {
  it('resumes a study written by core before ask/tell (killed mid-trial): nothing finished is lost or re-run', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'journal-v1-'));
    cpSync(path.join(import.meta.dirname, '..', 'test-fixtures', 'journal-v1'), dir, { recursive: true });
    for (const f of ['study/study.json', 'study/journal.jsonl', 'study.yaml']) {
      const file = path.join(dir, f);
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('__WORLD__', dir).replaceAll('__TOY_PLUGIN__', TOY_PLUGIN));
    }
    const out = path.join(dir, 'study');
    const before = readJournal(path.join(out, 'journal.jsonl'));
    expect([...before.trials.keys()]).toEqual([0, 1, 2, 3, 4]);
    expect([...before.running.keys()]).toEqual([5]);
    const execLog = path.join(dir, 'exec.log');
    process.env['TOY_EXEC_LOG'] = execLog;
    try {
      const s = await resumeStudy({ dir: out });
      expect(s.trials.map((t) => t.index).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      for (const t of before.trials.values()) expect(s.trials.find((x) => x.index === t.index)).toEqual(t);
      const rerun = s.trials.find((t) => t.index === 5);
      expect(rerun?.action.key).toBe(before.running.get(5)?.action.key);
      const execs = readFileSync(execLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]);
      for (const t of before.trials.values()) if (t.state === 'complete') expect(execs).not.toContain(t.action.key);
      const after = readJournal(path.join(out, 'journal.jsonl'));
      expect(after.running.size).toBe(0);
      expect(after.trials.size).toBe(8);
      // The old journal had no initial scores: the resumed study took them (not as trials).
      expect([...after.initial.values()].map((r) => r.reward !== undefined)).toEqual([true]);
    } finally {
      delete process.env['TOY_EXEC_LOG'];
    }
  });

  it('opens a stopped study for more trials with loadStudy', async () => {
    const w = makeToyWorld({ iterations: 2 });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out });
    const { study } = await loadStudy({ dir: out, iterations: 4 });
    try {
      expect(study.history()).toHaveLength(2);
      expect((await study.ask()).index).toBe(2);
    } finally {
      await study.close();
    }
  });
});
