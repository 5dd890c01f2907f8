import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'dist', 'bin.js');
const TOY = path.join(here, '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');

/** A toy study on the subprocess executor: slow SFT jobs, so signals land while one runs. */
export function slowToy(iterations: number, concurrency: number, sleepMs: number): { dir: string; config: string; execLog: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-sig-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  for (const [n, t] of [
    ['a', [1, 0, 0]],
    ['b', [0, 1, 0]],
    ['c', [0, 0, 1]],
  ] as const)
    writeFileSync(path.join(dir, `${n}.json`), JSON.stringify({ target: t }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `seed: 5\nbudget: { iterations: ${iterations} }\npolicy: random\nconcurrency: ${concurrency}\nplugins: [${JSON.stringify(TOY)}]\ndiscoverPlugins: false\nexecutor: { name: subprocess, options: { passEnv: [TOY_EXEC_LOG], killGraceMs: 2000 } }\nobjects:\n  models: [models/base]\n  datasets: [a.json, b.json, c.json]\n  lr: [0.5, 0.25, 0.125]\nactions:\n  sft: { slots: [models, datasets, lr], params: { sleepMs: ${sleepMs} } }\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n`,
  );
  return { dir, config, execLog: path.join(dir, 'exec.log') };
}

export function startCli(args: string[], cwd: string, execLog: string): { child: ChildProcess; out: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, TOY_EXEC_LOG: execLog, OPENAI_API_KEY: 'sk-must-not-reach-jobs', HF_TOKEN: 'hf-must-not-reach-jobs' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (b: Buffer) => (text += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (text += b.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code, sig) => r(code ?? (sig ? -1 : null))));
  return { child, out: () => text, exited };
}

/** Pids of live runner processes of jobs of the study folder `dir`. */
export function runnersOf(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(path.join(dir, 'jobs'))) out.push(Number(p));
    } catch {
      /* gone */
    }
  }
  return out;
}

const until = async (cond: () => boolean, ms = 20_000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('signals and kills (the lamdagent binary; subprocess executor, and inprocess where named)', () => {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`${sig} to the study process alone cancels the running job's process group, journals it, and resume runs it once`, async () => {
      const { dir, config, execLog } = slowToy(3, 1, 60_000);
      const st = path.join(dir, 'st');
      const r = startCli(['run', config, '--out', 'st'], dir, execLog);
      await until(() => existsSync(execLog) && runnersOf(st).length > 0);
      // least privilege: the job's environment has no API key or token (the study process has them)
      for (const pid of runnersOf(st)) {
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        expect(environ.some((e) => e.startsWith('PATH='))).toBe(true);
        expect(environ.filter((e) => /OPENAI_API_KEY|HF_TOKEN/.test(e))).toEqual([]);
      }
      expect(readFileSync(`/proc/${r.child.pid}/environ`, 'utf8')).toContain('OPENAI_API_KEY=');
      r.child.kill(sig);
      const code = await r.exited;
      expect(code).toBe(sig === 'SIGINT' ? 130 : 143);
      expect(runnersOf(st)).toEqual([]);
      const j = readJournal(path.join(st, 'journal.jsonl'));
      const lines = readFileSync(path.join(st, 'journal.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; index?: number });
      expect(lines.filter((l) => l.kind === 'cancel').map((l) => l.index)).toEqual([0]);
      expect(j.trials.size).toBe(0);
      expect(j.running.has(0)).toBe(true);
      expect(r.out()).toContain('lamdagent: interrupted; continue with `lamdagent resume');
      // resume with fast jobs: the cancelled trial runs again, to completion, once
      writeFileSync(config, readFileSync(config, 'utf8').replace('sleepMs: 60000', 'sleepMs: 0'));
      const cfgSnap = path.join(st, 'study.json');
      writeFileSync(cfgSnap, readFileSync(cfgSnap, 'utf8').replace('"sleepMs": 60000', '"sleepMs": 0'));
      const res = startCli(['resume', 'st'], dir, execLog);
      expect(await res.exited).toBe(0);
      const after = readJournal(path.join(st, 'journal.jsonl'));
      expect([...after.trials.values()].map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
      expect(existsSync(path.join(st, 'artifacts')) && readdirSync(path.join(st, 'artifacts')).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    });
  }

  it('a second signal aborts at once and leaves no job running', async () => {
    const { dir, config, execLog } = slowToy(2, 1, 60_000);
    const st = path.join(dir, 'st');
    // a long grace period: the first signal's cancel is still waiting when the second arrives
    // and a job that ignores SIGTERM
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('killGraceMs: 2000', 'killGraceMs: 60000').replace('sleepMs: 60000', 'sleepMs: 0, busyMs: 60000'),
    );
    const r = startCli(['run', config, '--out', 'st'], dir, execLog);
    await until(() => existsSync(execLog)); // the job runs (its runner logged its start)
    await new Promise((x) => setTimeout(x, 200));
    r.child.kill('SIGINT');
    await until(() => r.out().includes('SIGINT: stopping'));
    await new Promise((x) => setTimeout(x, 300));
    expect(runnersOf(st).length).toBeGreaterThan(0);
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(130);
    await until(() => runnersOf(st).length === 0, 5000);
  });

  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    it(`inprocess executor: ${sig} during a trial stops at once, journals it cancelled, and resume runs it again`, async () => {
      const { dir, config, execLog } = slowToy(3, 1, 60_000);
      writeFileSync(config, readFileSync(config, 'utf8').replace(/executor: \{ name: subprocess.*\n/, 'executor: inprocess\n'));
      expect(readFileSync(config, 'utf8')).toContain('executor: inprocess\n');
      const st = path.join(dir, 'st');
      const r = startCli(['run', config, '--out', 'st'], dir, execLog);
      await until(() => existsSync(execLog)); // the job runs in the study process (its runner logged its start)
      const t0 = Date.now();
      r.child.kill(sig);
      const code = await r.exited;
      expect(code).toBe(sig === 'SIGINT' ? 130 : 143);
      expect(Date.now() - t0).toBeLessThan(10_000); // not the job's 60 s
      const lines = readFileSync(path.join(st, 'journal.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; index?: number; reason?: string });
      expect(lines.filter((l) => l.kind === 'cancel').map((l) => [l.index, l.reason])).toEqual([[0, 'interrupted: Cancelled: cancelled']]);
      const j = readJournal(path.join(st, 'journal.jsonl'));
      expect(j.trials.size).toBe(0);
      expect(j.running.has(0)).toBe(true);
      expect(r.out()).toContain('lamdagent: interrupted; continue with `lamdagent resume');
      const started = readFileSync(execLog, 'utf8').trim().split('\n');
      expect(started).toHaveLength(1);
      // resume with fast jobs: the cancelled trial runs again, to completion, once
      const cfgSnap = path.join(st, 'study.json');
      writeFileSync(cfgSnap, readFileSync(cfgSnap, 'utf8').replace('"sleepMs": 60000', '"sleepMs": 0'));
      const res = startCli(['resume', 'st'], dir, execLog);
      expect(await res.exited).toBe(0);
      const after = readJournal(path.join(st, 'journal.jsonl'));
      expect([...after.trials.values()].map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
      // trial 0's job (t0000) started once before the signal and once on resume (its params, so its
      // action key, changed with the snapshot's sleepMs); every other job once
      const jobs = readFileSync(execLog, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[1]);
      expect(started[0]!.endsWith(' t0000')).toBe(true);
      expect(jobs).toEqual(['t0000', 't0000', 't0001', 't0002']);
      expect(readdirSync(path.join(st, 'artifacts')).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    });
  }

  it('inprocess executor: a job deaf to the abort does not hold the process after the first signal', async () => {
    const { dir, config, execLog } = slowToy(2, 1, 0);
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace(/executor: \{ name: subprocess.*\n/, 'executor: inprocess\n')
        .replace('sleepMs: 0', 'sleepMs: 0, deafMs: 60000'),
    );
    const st = path.join(dir, 'st');
    const r = startCli(['run', config, '--out', 'st'], dir, execLog);
    await until(() => existsSync(execLog));
    const t0 = Date.now();
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(130);
    expect(Date.now() - t0).toBeLessThan(10_000); // not the deaf job's 60 s
    const j = readJournal(path.join(st, 'journal.jsonl'));
    expect(j.trials.size).toBe(0);
    expect(j.running.has(0)).toBe(true);
    expect(readFileSync(path.join(st, 'journal.jsonl'), 'utf8')).toContain('"kind":"cancel","index":0,');
  }, 30_000);

  it('inprocess executor: a second signal aborts at once while the first one waits (a policy deaf to the abort)', async () => {
    const { dir, config, execLog } = slowToy(3, 1, 0);
    // a policy plugin whose second choice waits 60 s and ignores the study's abort signal
    const deaf = path.join(dir, 'deaf-policy.mjs');
    writeFileSync(
      deaf,
      `export default { name: 'deaf-policy', version: '1.0.0', apiVersion: 1, provides: { policies: ['deaf'] },
  register(r) { r.policy({ name: 'deaf', create: () => ({ name: 'deaf', async select(ctx) {
    if (ctx.iteration > 0) await new Promise((res) => setTimeout(res, 60000));
    return { action: ctx.space.atFor(0, ctx.iteration) };
  } }) }); } };\n`,
    );
    writeFileSync(
      config,
      readFileSync(config, 'utf8')
        .replace(/executor: \{ name: subprocess.*\n/, 'executor: inprocess\n')
        .replace('policy: random', 'policy: deaf')
        .replace(/plugins: \[(.*)\]\n/, (_m, p: string) => `plugins: [${p}, ${JSON.stringify(deaf)}]\n`),
    );
    const st = path.join(dir, 'st');
    const r = startCli(['run', config, '--out', 'st'], dir, execLog);
    await until(() => existsSync(path.join(st, 'journal.jsonl')) && readJournal(path.join(st, 'journal.jsonl')).trials.size === 1);
    r.child.kill('SIGINT');
    await until(() => r.out().includes('SIGINT: stopping'));
    await new Promise((x) => setTimeout(x, 500));
    expect(r.child.exitCode).toBe(null); // still waiting for the policy
    const t0 = Date.now();
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.out()).toContain('SIGINT again: aborting now');
    expect([...readJournal(path.join(st, 'journal.jsonl')).trials.keys()]).toEqual([0]);
  });

  it('after kill -9 of the study process, status says its trial is interrupted (owner pid gone), not running', async () => {
    const { dir, config, execLog } = slowToy(2, 1, 60_000);
    const st = path.join(dir, 'st');
    const r = startCli(['run', config, '--out', 'st'], dir, execLog);
    await until(() => existsSync(execLog) && runnersOf(st).length > 0);
    const owner = r.child.pid!;
    r.child.kill('SIGKILL');
    await r.exited;
    try {
      const text = spawnSync(process.execPath, [BIN, 'status', 'st'], { cwd: dir, encoding: 'utf8' });
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(
        new RegExp(`^interrupted at trial 0 sft\\(base, [abc], [0-9.]+\\) \\(owner pid ${owner} is gone\\); \`lamdagent resume ${st}\` continues it$`, 'm'),
      );
      expect(text.stdout).not.toContain('running: trial');
      const json = spawnSync(process.execPath, [BIN, 'status', 'st', '--json'], { cwd: dir, encoding: 'utf8' });
      expect(JSON.parse(json.stdout)).toMatchObject({ running: [], interrupted: { trials: [0], ownerPid: owner } });
    } finally {
      // the killed study's job lives on in its own process group: end it
      for (const pid of runnersOf(st)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
    }
  });

  it('kill -9 at 24 seeded instants (concurrency 1 and 2), then resume: nothing lost, nothing run twice, nothing left running', async () => {
    const rng = new Rng(20261129, 0);
    for (const concurrency of [1, 2]) {
      const { dir, config, execLog } = slowToy(8, concurrency, 150);
      const st = path.join(dir, 'st');
      let completedBefore = new Map<number, string>();
      for (let k = 0; k < 12; k++) {
        const r = startCli(k === 0 ? ['run', config, '--out', 'st'] : ['resume', 'st'], dir, execLog);
        const delay = 150 + rng.int(1200);
        const timer = setTimeout(() => r.child.kill('SIGKILL'), delay);
        await r.exited;
        clearTimeout(timer);
        if (!existsSync(path.join(st, 'study.json'))) continue;
        const j = readJournal(path.join(st, 'journal.jsonl'));
        // no completed trial lost, none changed
        for (const [i, key] of completedBefore) expect(j.trials.get(i)?.action.key).toBe(key);
        completedBefore = new Map([...j.trials.values()].map((t) => [t.index, t.action.key]));
      }
      // let orphaned jobs of the killed processes finish or be re-attached by the final resume
      const fin = startCli(existsSync(path.join(st, 'study.json')) ? ['resume', 'st'] : ['run', config, '--out', 'st'], dir, execLog);
      expect(await fin.exited).toBe(0);
      const j = readJournal(path.join(st, 'journal.jsonl'));
      expect([...j.trials.keys()].sort((a, b) => a - b)).toEqual([...Array(8).keys()]);
      expect(j.running.size).toBe(0);
      for (const [i, key] of completedBefore) expect(j.trials.get(i)?.action.key).toBe(key);
      // no job ran twice: a killed study's running jobs live on in their own process groups and the
      // resume re-attaches to them (waits, then takes their result) instead of starting them again
      const starts = readFileSync(execLog, 'utf8').trim().split('\n');
      const executed = [...j.trials.values()].filter((t) => t.state === 'complete' && t.cachedFrom === undefined);
      expect(executed.length).toBeGreaterThan(0);
      for (const t of executed) expect(starts.filter((l) => l === `${t.action.key} t${String(t.index).padStart(4, '0')}`)).toHaveLength(1);
      expect(runnersOf(st)).toEqual([]);
      expect(readdirSync(path.join(st, 'artifacts')).filter((n) => n.startsWith('.tmp'))).toEqual([]);
    }
  }, 240_000);
});
