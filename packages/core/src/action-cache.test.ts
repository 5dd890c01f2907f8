import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ActionCache, cacheKey } from './action-cache.js';
import { openStudy } from './study-folder.js';
import { runStudy } from './study-run.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'test-fixtures');
const tmp = (): string => mkdtempSync(path.join(tmpdir(), 'action-cache-'));
const entry = (trial: number) => ({
  action: { name: 'sft', type: 'sft', key: 'k', inputs: [], params: {} },
  scores: { ta: 0.5 },
  metrics: {},
  durations: {},
  source: { study: '/s', trial },
});

function model(dir: string, w: number[]): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ w }));
  return dir;
}

describe('shared action cache', () => {
  it('a committed entry answers every later claim, with its model', async () => {
    const root = tmp();
    const cache = new ActionCache(path.join(root, 'cache'));
    const key = cacheKey('action-1', 'eval-1');
    expect(cache.get(key)).toBeUndefined();
    const got = await cache.claim(key);
    expect('lease' in got).toBe(true);
    if (!('lease' in got)) return;
    got.lease.commit(model(path.join(root, 'm'), [1, 2]), entry(3));
    got.lease.release();
    const again = await cache.claim(key);
    expect('hit' in again && again.hit.entry.source.trial).toBe(3);
    if ('hit' in again) expect(JSON.parse(readFileSync(path.join(again.hit.modelPath, 'model.json'), 'utf8'))).toEqual({ w: [1, 2] });
    expect(cache.size()).toBe(1);
    expect(cacheKey('action-1', 'eval-2')).not.toBe(key);
  });

  it('a second claimant of a key being run waits, then gets the entry (never a second lease)', async () => {
    const root = tmp();
    const a = new ActionCache(path.join(root, 'cache'));
    const b = new ActionCache(path.join(root, 'cache'));
    const key = cacheKey('x', 'y');
    const first = await a.claim(key);
    if (!('lease' in first)) throw new Error('expected a lease');
    let secondDone = false;
    const second = b.claim(key, undefined, 10).then((r) => ((secondDone = true), r));
    await new Promise((r) => setTimeout(r, 80));
    expect(secondDone).toBe(false);
    first.lease.commit(model(path.join(root, 'm'), [0]), entry(1));
    first.lease.release();
    const r = await second;
    expect('hit' in r).toBe(true);
  });

  it('a holder that failed releases the key: the waiter gets the lease', async () => {
    const cache = new ActionCache(path.join(tmp(), 'cache'));
    const key = cacheKey('x', 'y');
    const first = await cache.claim(key);
    if (!('lease' in first)) throw new Error('expected a lease');
    const second = cache.claim(key, undefined, 10);
    setTimeout(() => first.lease.release(), 50);
    expect('lease' in (await second)).toBe(true);
  });

  it('kill -9 of a holder mid-commit: its half-written entry is never read, its lock is taken over, its tmp removed', async () => {
    const root = path.join(tmp(), 'cache');
    const key = cacheKey('killed', 'e');
    const child = spawn(process.execPath, [path.join(fixtures, 'cache-hold.mjs'), root, key], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => b.toString().includes('holding') && resolve());
      child.once('exit', (c) => reject(new Error(`holder exited early (${c})`)));
    });
    const cache = new ActionCache(root);
    expect(readdirSync(path.join(root, 'locks'))).toEqual([`${key}.lock`]);
    // While the holder lives, the key is not ours.
    const ac = new AbortController();
    const waiting = cache.claim(key, ac.signal, 20).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    expect(await waiting).toBeInstanceOf(Error);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(cache.get(key)).toBeUndefined();
    const got = await cache.claim(key, undefined, 20);
    expect('lease' in got).toBe(true);
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('two concurrent studies (two processes) on one cache run no action twice and journal reuse with its source', async () => {
    const w = makeToyWorld({ iterations: 8, policy: 'random-type' });
    const cacheDir = path.join(w.dir, 'shared-cache');
    const cfg = readFileSync(w.configPath, 'utf8').replace('sft: [models, datasets, lr]', 'sft: { slots: [models, datasets, lr], params: { sleepMs: 150 } }');
    writeFileSync(w.configPath, `${cfg}cache: shared-cache\n`);
    // The same config with another seed, in the same folder (so relative paths, and keys, agree).
    writeFileSync(path.join(w.dir, 'study2.yaml'), `${cfg.replace('seed: 7', 'seed: 8')}cache: shared-cache\n`);
    const execLog = path.join(w.dir, 'exec.log');
    const run = (config: string, out: string): Promise<number> =>
      new Promise((resolve) => {
        const c = spawn(process.execPath, [path.join(fixtures, 'run-study.mjs'), config, out], {
          env: { ...process.env, TOY_EXEC_LOG: execLog },
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        c.once('exit', (code) => resolve(code ?? 1));
      });
    const [a, b] = await Promise.all([run(w.configPath, path.join(w.dir, 's1')), run(path.join(w.dir, 'study2.yaml'), path.join(w.dir, 's2'))]);
    expect([a, b]).toEqual([0, 0]);
    const execs = readFileSync(execLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]!);
    expect(new Set(execs).size).toBe(execs.length);
    const trials = [...openStudy(path.join(w.dir, 's1')).trials, ...openStudy(path.join(w.dir, 's2')).trials];
    const shared = trials.filter((t) => t.cache);
    expect(shared.length).toBeGreaterThan(0);
    for (const t of shared) {
      expect(t.state).toBe('complete');
      expect(existsSync(path.join(t.produced!.path, 'model.json'))).toBe(true);
      expect(t.reward).toBeCloseTo((t.scores['ta']! + t.scores['tb']!) / 2, 12);
    }
    // Every complete trial of either study is in the cache, and the base model's initial scores (taken once for both); nothing else.
    expect(new ActionCache(cacheDir).size()).toBe(trials.filter((t) => t.state === 'complete' && !t.cache).length + 1);
    const initial = [path.join(w.dir, 's1'), path.join(w.dir, 's2')].map((d) => [...openStudy(d).journal.initial.values()][0]!);
    expect(initial.filter((r) => r.cache)).toHaveLength(1);
    expect(initial[0]!.scores).toEqual(initial[1]!.scores);
  });

  it('a re-run on a warm cache runs nothing and reproduces the rewards exactly', async () => {
    const w = makeToyWorld({ iterations: 6, policy: 'random-type', extra: 'cache: c\n' });
    const first = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'a') });
    const execLog = path.join(w.dir, 'exec.log');
    process.env['TOY_EXEC_LOG'] = execLog;
    try {
      const second = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 'b') });
      expect(existsSync(execLog)).toBe(false);
      expect(second.trials.map((t) => t.reward)).toEqual(first.trials.map((t) => t.reward));
      expect(second.trials.filter((t) => t.state !== 'failed').every((t) => t.state === 'cached' || t.cache)).toBe(true);
    } finally {
      delete process.env['TOY_EXEC_LOG'];
    }
  });

  it('kill -9 of a study mid-action: another study takes the key over and runs it once; the killed study resumes from the cache', async () => {
    const w = makeToyWorld({ iterations: 3, policy: 'random-type' });
    const cfg = readFileSync(w.configPath, 'utf8').replace('sft: [models, datasets, lr]', 'sft: { slots: [models, datasets, lr], params: { sleepMs: 400 } }');
    writeFileSync(w.configPath, `${cfg}cache: shared-cache\n`);
    const execLog = path.join(w.dir, 'exec.log');
    const out1 = path.join(w.dir, 's1');
    const child = spawn(process.execPath, [path.join(fixtures, 'run-study.mjs'), w.configPath, out1], {
      env: { ...process.env, TOY_EXEC_LOG: execLog },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Kill while the first action runs (its lock is held, nothing is committed).
    await new Promise<void>((resolve, reject) => {
      const t = setInterval(() => {
        if (existsSync(execLog)) {
          clearInterval(t);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.once('exit', (code) => code === 0 && reject(new Error('study finished before the kill')));
    });
    await new Promise((r) => child.once('exit', r));
    const cacheDir = path.join(w.dir, 'shared-cache');
    // Only the base model's initial scores were committed before the kill.
    expect(new ActionCache(cacheDir).size()).toBe(1);
    expect(readdirSync(path.join(cacheDir, 'locks'))).toHaveLength(1);
    process.env['TOY_EXEC_LOG'] = execLog;
    try {
      const s2 = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's2') });
      expect(s2.trials).toHaveLength(3);
      const { resumeStudy } = await import('./study-run.js');
      const s1 = await resumeStudy({ dir: out1 });
      expect(s1.trials.map((t) => t.reward)).toEqual(s2.trials.map((t) => t.reward));
      expect(s1.trials.every((t) => t.state === 'cached' || t.cache !== undefined)).toBe(true);
    } finally {
      delete process.env['TOY_EXEC_LOG'];
    }
    // The killed run started the first action; after that every action ran exactly once.
    const execs = readFileSync(execLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[0]!);
    const first = execs[0]!;
    expect(execs.filter((k) => k === first)).toHaveLength(2);
    const rest = execs.slice(1).filter((k) => k !== first);
    expect(new Set(rest).size).toBe(rest.length);
    expect(readdirSync(path.join(cacheDir, 'locks'))).toEqual([]);
    expect(readdirSync(path.join(cacheDir, 'tmp'))).toEqual([]);
  });
});
