import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-main.test-helper.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'dist', 'bin.js');
const TOY = path.join(here, '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');

function toyConfig(iterations = 4): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ target: [1, 0, 0] }));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ target: [0, 1, 0] }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `seed: 1\nbudget: { iterations: ${iterations} }\npolicy: random-type\nplugins: [${JSON.stringify(TOY)}]\ndiscoverPlugins: false\nobjects:\n  base_models: [models/base]\n  models: [models/base]\n  datasets: [a.json, b.json]\n  lr: [0.5]\n  weights: [[0.5, 0.5]]\n  density: [0.5]\nactions:\n  sft: [models, datasets, lr]\n  ties_merging: [base_models, models, models, weights, density]\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n`,
  );
  return { dir, config };
}

const run = runCli;

describe('lamdagent CLI', () => {
  it('runs a study with progress, then answers status, top and show with stable JSON', async () => {
    const { dir, config } = toyConfig(5);
    const r = await run(['run', config, '--out', 'st', '--json'], dir);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\[1\/5\] /);
    expect(r.err).toMatch(/best \d\.\d{3}/);
    const status = JSON.parse(r.out) as { trials: Record<string, unknown>[]; top: { pipeline: unknown }[] };
    expect(status.trials).toHaveLength(5);
    expect(Object.keys(status.trials[0]!).sort()).toEqual(
      ['action', 'actionType', 'cachedFrom', 'durationSec', 'error', 'fallback', 'index', 'inputs', 'produced', 'reward', 'scores', 'state'].sort(),
    );
    const top = JSON.parse((await run(['top', 'st', '-k', '2', '--json'], dir)).out) as { rank: number; pipeline: { trial: number } }[];
    expect(top[0]!.rank).toBe(1);
    expect(typeof top[0]!.pipeline.trial).toBe('number');
    const text = (await run(['status', 'st'], dir)).out;
    expect(text).toMatch(/#\s+state\s+action/);
    const show = JSON.parse((await run(['show', 'st', '0', '--json'], dir)).out) as { index: number; durations: object };
    expect(show.index).toBe(0);
    const costs = JSON.parse((await run(['costs', 'st', '--json'], dir)).out) as { compute: { actionType: string; trials: number }[]; agent: unknown[] };
    expect(costs.agent).toEqual([]);
    expect(costs.compute.reduce((s, c) => s + c.trials, 0)).toBe(status.trials.filter((t) => t['state'] !== 'cached').length);
    const rep = await run(['report', 'st', '-o', 'report.html'], dir);
    expect(rep.code).toBe(0);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<html');
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/);
    const resumed = await run(['resume', 'st', '--iterations', '6'], dir);
    expect(resumed.code).toBe(0);
    expect(JSON.parse((await run(['status', 'st', '--json'], dir)).out).trials).toHaveLength(6);
  });

  it('serves the dashboard on 127.0.0.1 and stops on SIGTERM', async () => {
    const { dir, config } = toyConfig(2);
    expect((await run(['run', config, '--out', 'st'], dir)).code).toBe(0);
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'dashboard', 'st', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        const m = /(http:\/\/127\.0\.0\.1:\d+\S*)/.exec(b.toString());
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error('dashboard exited early')));
    });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html');
    const code = await new Promise<number | null>((resolve) => {
      child.once('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('validates a config and lists plugins', async () => {
    const { dir, config } = toyConfig();
    const v = await run(['validate', config, '--json'], dir);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ valid: true, format: 'native', policy: 'random-type' });
    const p = await run(['plugins', '--config', config, '--json'], dir);
    const plugins = JSON.parse(p.out) as { name: string; provides: { kind: string; name: string }[] }[];
    expect(plugins.map((x) => x.name)).toContain('toy-plugin');
    expect(plugins.find((x) => x.name === '@lamdagent/core')!.provides).toContainEqual({ kind: 'policy', name: 'random' });
  });

  it('exits 2 with the file and field for bad input, and teaches with --help', () => {
    const { dir } = toyConfig();
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'objects: {}\nactions: {}\ntasks: [[a, acc]]\nbudget: { iterations: -1 }\n');
    const r = spawnSync(process.execPath, [BIN, 'validate', bad], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}: invalid config`);
    expect(r.stderr).toContain('budget.iterations: Too small: expected number to be >0');
    expect(spawnSync(process.execPath, [BIN, 'status', path.join(dir, 'nope')], { encoding: 'utf8' }).status).toBe(2);
    expect(spawnSync(process.execPath, [BIN, 'run'], { encoding: 'utf8' }).status).toBe(2);
    expect(spawnSync(process.execPath, [BIN, 'frobnicate'], { encoding: 'utf8' }).stderr).toContain('unknown command "frobnicate"');
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('lamdagent run CONFIG');
    expect(spawnSync(process.execPath, [BIN, 'run', '--help'], { encoding: 'utf8' }).stdout).toContain('--iterations N');
    // Seven CLI processes, one after another: seconds on a loaded 2-core machine, not the 5 s default.
  }, 60_000);

  it('status tells a study whose owner died (kill -9) from one that runs: interrupted, with the pid, and how to resume', async () => {
    const { dir, config } = toyConfig(2);
    expect((await run(['run', config, '--out', 'st'], dir)).code).toBe(0);
    const st = path.join(dir, 'st');
    const journal = path.join(st, 'journal.jsonl');
    // What kill -9 during trial 0 leaves: the journal up to trial 0's start, and the owner's lock.
    const lines = readFileSync(journal, 'utf8').split('\n');
    const start = lines.findIndex((l) => l.startsWith('{"kind":"trial-start","index":0,'));
    expect(start).toBeGreaterThan(0);
    writeFileSync(journal, lines.slice(0, start + 1).join('\n') + '\n');
    const action = `sft(base, ${(JSON.parse(lines[start]!) as { action: { inputs: { name: string }[] } }).action.inputs[1]!.name}, 0.5)`;
    // an owner that existed and is gone: a process spawned and killed (the lock holds `<pid> <token>`)
    const dead = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => dead.once('spawn', r));
    const deadPid = dead.pid!;
    await new Promise((r) => {
      dead.once('exit', r);
      dead.kill('SIGKILL');
    });
    writeFileSync(path.join(st, '.lock'), `${deadPid} 0b5e7c1e-dead-owner`);
    const text = (await run(['status', 'st'], dir)).out;
    expect(text).toContain(`interrupted at trial 0 ${action} (owner pid ${deadPid} is gone); \`lamdagent resume ${st}\` continues it`);
    expect(text).not.toContain('running: trial');
    expect(JSON.parse((await run(['status', 'st', '--json'], dir)).out)).toMatchObject({ running: [], interrupted: { trials: [0], ownerPid: deadPid } });
    // no lock at all (a clean interruption released it): interrupted too
    rmSync(path.join(st, '.lock'));
    expect((await run(['status', 'st'], dir)).out).toContain(`interrupted at trial 0 ${action} (no process holds the study)`);
    // a live owner: running, as before
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => live.once('spawn', r));
    try {
      writeFileSync(path.join(st, '.lock'), `${live.pid} 0b5e7c1e-live-owner`);
      const alive = (await run(['status', 'st'], dir)).out;
      expect(alive).toContain(`running: trial 0 ${action}`);
      expect(alive).not.toContain('interrupted');
      expect(JSON.parse((await run(['status', 'st', '--json'], dir)).out)).toMatchObject({ running: [0], interrupted: null });
    } finally {
      live.kill('SIGKILL');
    }
    // and resume continues it once the owner is gone
    await new Promise((r) => (live.exitCode !== null || live.signalCode !== null ? r(null) : live.once('exit', r)));
    expect((await run(['resume', 'st'], dir)).code).toBe(0);
    expect(JSON.parse((await run(['status', 'st', '--json'], dir)).out)).toMatchObject({ done: 2, running: [], interrupted: null });
  });
});
