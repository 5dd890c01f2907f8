import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJournal } from './journal.js';
import { openStudy } from './study-folder.js';
import { recordEvaluations } from './study-evaluations.js';
import { resumeStudy, runStudy } from './study-run.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let execLog: string;
beforeEach(() => {
  const w = makeToyWorld();
  execLog = path.join(w.dir, 'exec.log');
  process.env['TOY_EXEC_LOG'] = execLog;
});
afterEach(() => {
  delete process.env['TOY_EXEC_LOG'];
});
const executions = (): string[] => (existsSync(execLog) ? readFileSync(execLog, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('study loop (in-process, toy plugin)', () => {
  it('runs the four-step loop, grows the pool with provenance, and ranks pipelines', async () => {
    const w = makeToyWorld({ iterations: 8 });
    const out = path.join(w.dir, 'study');
    const events: string[] = [];
    const s = await runStudy({ configPath: w.configPath, outDir: out, onEvent: (e) => events.push(e.type) });
    expect(s.trials).toHaveLength(8);
    expect(s.stopReason).toBe('iteration budget reached (8)');
    expect(events.filter((e) => e === 'trial-end')).toHaveLength(8);
    const complete = s.trials.filter((t) => t.state === 'complete');
    expect(complete.length).toBeGreaterThan(0);
    for (const t of complete) {
      expect(existsSync(path.join(t.produced!.path, 'model.json'))).toBe(true);
      expect(t.produced!.name).toBe(`0--${t.index}--0`);
      expect(Object.keys(t.scores).sort()).toEqual(['ta', 'tb']);
      expect(t.reward).toBeCloseTo((t.scores['ta']! + t.scores['tb']!) / 2, 10);
    }
    // Produced models are used as inputs by later trials (pipelines are chains).
    const producedIds = new Set(complete.map((t) => t.produced!.id));
    expect(s.trials.some((t) => t.action.inputs.some((i) => producedIds.has(i.id)))).toBe(true);
    expect(s.top[0]!.reward).toBe(Math.max(...complete.map((t) => t.reward!)));
    const view = openStudy(out);
    expect(view.trials).toHaveLength(8);
    expect(view.journal.running.size).toBe(0);
  });

  it('is reproducible: same config and seed, same actions and rewards', async () => {
    const run = async (): Promise<string[]> => {
      const w = makeToyWorld({ iterations: 6 });
      const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
      return s.trials.map((t) => `${t.action.name}:${t.action.inputs.map((i) => i.name).join(',')}:${t.reward?.toFixed(6)}`);
    };
    expect(await run()).toEqual(await run());
  });

  it('never executes an action twice: repeats are recorded as cached and point at the first artifact', async () => {
    // One dataset and one model: the sft action space is tiny, so repeats must happen.
    const w = makeToyWorld({ iterations: 10, datasets: { a: { target: [1, 0, 0] } } });
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    const cached = s.trials.filter((t) => t.state === 'cached');
    expect(cached.length).toBeGreaterThan(0);
    for (const c of cached) {
      const first = s.trials.find((t) => t.index === c.cachedFrom)!;
      expect(first.state).toBe('complete');
      expect(c.action.key).toBe(first.action.key);
      expect(c.produced).toEqual(first.produced);
      expect(c.reward).toBe(first.reward);
    }
    const keys = executions().map((l) => l.split(' ')[0]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(s.trials.filter((t) => t.state === 'complete').length);
  });

  it('turns a failing action into a failed trial with its cause and goes on', async () => {
    const w = makeToyWorld({ iterations: 8, policy: 'random-type', datasets: { ok: { target: [1, 0, 0] }, bad: { fail: 'throw' } } });
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    const failed = s.trials.filter((t) => t.state === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    const first = failed.find((t) => t.cachedFrom === undefined)!;
    expect(first.error).toMatchObject({ type: 'RunnerError', message: 'dataset is broken' });
    expect(first.error!.logExcerpt).toContain('dataset is broken');
    expect(s.trials).toHaveLength(8);
    expect(s.trials.some((t) => t.state === 'complete')).toBe(true);
  });

  it('fails fast on a declared smoke run, before the full job runs', async () => {
    const w = makeToyWorld({ iterations: 6, failFast: true, datasets: { ok: { target: [1, 0, 0] }, smk: { fail: 'smoke' } } });
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    const smoke = s.trials.find((t) => t.error?.type === 'SmokeFailed:RunnerError')!;
    expect(smoke).toBeDefined();
    expect(smoke.error!.message).toMatch(/smoke run failed in .* s: smoke check failed: bad tokenizer/);
    expect(
      executions()
        .filter((l) => l.startsWith(smoke.action.key))
        .every((l) => l.endsWith('smoke')),
    ).toBe(true);
  });

  it('refuses a second process on the same study folder and a run into an existing study', async () => {
    const w = makeToyWorld({ iterations: 2 });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out });
    await expect(runStudy({ configPath: w.configPath, outDir: out })).rejects.toThrow(/already holds a study; continue it with `lamdagent resume/);
    writeFileSync(path.join(out, '.lock'), String(process.ppid));
    await expect(resumeStudy({ dir: out, iterations: 3 })).rejects.toThrow(new RegExp(`in use by process ${process.ppid}`));
    writeFileSync(path.join(out, '.lock'), '999999999');
    const s = await resumeStudy({ dir: out, iterations: 3 });
    expect(s.trials).toHaveLength(3);
  });

  it('cuts a torn journal line before resuming, so the journal stays readable', async () => {
    const w = makeToyWorld({ iterations: 2 });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out });
    const { appendFileSync } = await import('node:fs');
    appendFileSync(path.join(out, 'journal.jsonl'), '{"kind":"trial-end","trial":{"ind');
    const s = await resumeStudy({ dir: out, iterations: 4 });
    expect(s.trials).toHaveLength(4);
    recordEvaluations(out, [{ index: 0, split: 'test', scores: { ta: 0.5 } }]);
    const j = readJournal(path.join(out, 'journal.jsonl'));
    expect(j.tornTail).toBe(false);
    expect(j.trials.size).toBe(4);
    expect(j.evaluations.map((e) => [e.index, e.split, e.scores])).toEqual([[0, 'test', { ta: 0.5 }]]);
  });

  it('leaves nothing behind for a bad config', async () => {
    const w = makeToyWorld({ extra: 'aggregation: nosuch\n' });
    const out = path.join(w.dir, 'never');
    await expect(runStudy({ configPath: w.configPath, outDir: out })).rejects.toThrow(/aggregation: no aggregator "nosuch"/);
    expect(existsSync(out)).toBe(false);
  });

  it('runs trials concurrently and journals them in completion order', async () => {
    const w = makeToyWorld({ iterations: 6, concurrency: 2, extra: '' });
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    expect(s.trials).toHaveLength(6);
    expect(new Set(s.trials.map((t) => t.index)).size).toBe(6);
  });
});

describe('crash safety', () => {
  it('kill -9 during a study loses no completed trial, and resume runs nothing twice', async () => {
    const w = makeToyWorld({ iterations: 10, policy: 'random-type' });
    // Slow trials so the kill lands while one runs.
    const cfg = readFileSync(w.configPath, 'utf8').replace('sft: [models, datasets, lr]', 'sft: { slots: [models, datasets, lr], params: { sleepMs: 250 } }');
    writeFileSync(w.configPath, cfg);
    const out = path.join(w.dir, 'study');
    mkdirSync(path.dirname(out), { recursive: true });
    const script = path.join(here, '..', 'test-fixtures', 'run-study.mjs');
    const child = spawn(process.execPath, [script, w.configPath, out], {
      env: { ...process.env, TOY_EXEC_LOG: execLog },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let ends = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        ends += (b.toString().match(/"trial-end"/g) ?? []).length;
        // Kill while the 4th trial runs: wait for 3 ends, then a moment.
        if (ends >= 3)
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, 120);
      });
      child.once('exit', (code) => (code === 0 ? reject(new Error('study finished before the kill')) : resolve()));
    });
    await new Promise((r) => child.once('exit', r));
    const before = readJournal(path.join(out, 'journal.jsonl'));
    expect(before.trials.size).toBeGreaterThanOrEqual(3);
    const completedKeys = [...before.trials.values()].filter((t) => t.state === 'complete').map((t) => t.action.key);
    const s = await resumeStudy({ dir: out });
    expect(s.trials).toHaveLength(10);
    expect(new Set(s.trials.map((t) => t.index))).toEqual(new Set([...Array(10).keys()]));
    for (const t of before.trials.values()) expect(s.trials.find((x) => x.index === t.index)).toEqual(t);
    const execs = executions().map((l) => l.split(' ')[0]);
    for (const k of completedKeys) expect(execs.filter((x) => x === k)).toHaveLength(1);
    expect(existsSync(path.join(out, '.lock'))).toBe(false);
  });
});
