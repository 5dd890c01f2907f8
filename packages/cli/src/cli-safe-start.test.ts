import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-main.test-helper.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TOY = path.join(here, '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');

function toy(extra = ''): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-safe-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ target: [1, 0, 0] }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `seed: 1\nbudget: { iterations: 2 }\npolicy: random\nplugins: [${JSON.stringify(TOY)}]\ndiscoverPlugins: false\nobjects:\n  models: [models/base]\n  datasets: [a.json]\n  lr: [0.5, 0.25]\nactions:\n  sft: [models, datasets, lr]\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n${extra}`,
  );
  return { dir, config };
}

const run = runCli;

describe('safe starts and honest exits', () => {
  it('run exits 1 with a one-line summary by cause when no trial completed', async () => {
    const { dir, config } = toy('evaluators: { toy: { fail: true } }\n');
    const r = await run(['run', config, '--out', 'st'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain('lamdagent: no trial completed: 2 trials (2 EvaluationError); see lamdagent status');
  });

  it('checks overrides with the config schema, naming the flag, and writes nothing', async () => {
    const { dir, config } = toy();
    for (const [args, msg] of [
      [['--iterations', '-1'], 'invalid override: --iterations: Too small: expected number to be >0'],
      [['--iterations=0'], 'invalid override: --iterations: Too small: expected number to be >0'],
      [['--concurrency', '0'], 'invalid override: --concurrency: Too small: expected number to be >0'],
      [['--iterations', '1.5'], '--iterations expects an integer, got 1.5'],
    ] as const) {
      const r = await run(['run', config, '--out', 'st', ...args], dir);
      expect(r.code).toBe(2);
      expect(r.err).toBe(msg);
      expect(existsSync(path.join(dir, 'st'))).toBe(false);
    }
    expect((await run(['run', config, '--out', 'st'], dir)).code).toBe(0);
    const before = readFileSync(path.join(dir, 'st', 'study.json'), 'utf8');
    const r = await run(['resume', 'st', '--iterations=-3'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe('invalid override: --iterations: Too small: expected number to be >0');
    expect(readFileSync(path.join(dir, 'st', 'study.json'), 'utf8')).toBe(before);
  });

  it('a failed start leaves no folder behind, so the same command works once fixed', async () => {
    const { dir, config } = toy();
    // The shared cache path is a file: the start fails after the lock was taken.
    writeFileSync(path.join(dir, 'cachefile'), 'x');
    const r = await run(['run', config, '--out', 'st', '--cache', 'cachefile'], dir);
    expect(r.code).not.toBe(0);
    expect(existsSync(path.join(dir, 'st'))).toBe(false);
    mkdirSync(path.join(dir, 'empty'));
    await run(['run', config, '--out', 'empty', '--cache', 'cachefile'], dir);
    expect(readdirSync(path.join(dir, 'empty'))).toEqual([]);
    expect((await run(['run', config, '--out', 'st'], dir)).code).toBe(0);
  });

  it('no possible action is refused before anything is written', async () => {
    const { dir, config } = toy();
    writeFileSync(config, readFileSync(config, 'utf8').replace('lr: [0.5, 0.25]', 'lr: []'));
    const r = await run(['validate', config, '--json'], dir);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out) as { valid: boolean; issues: { path: string; message: string }[] };
    expect(doc.valid).toBe(false);
    expect(doc.issues).toEqual([
      { path: 'actions.sft', message: 'no possible action: its slots (models, datasets, lr) need more distinct objects than the lists hold' },
    ]);
    expect((await run(['run', config, '--out', 'st'], dir)).code).toBe(2);
    expect(existsSync(path.join(dir, 'st'))).toBe(false);
  });

  it('top -k 0 is a usage error; status --json on a corrupted study.json prints JSON naming the file', async () => {
    const { dir, config } = toy();
    expect((await run(['run', config, '--out', 'st'], dir)).code).toBe(0);
    const k0 = await run(['top', 'st', '-k', '0'], dir);
    expect(k0.code).toBe(2);
    expect(k0.err).toBe('-k expects a positive integer (how many models to list), got 0');
    writeFileSync(path.join(dir, 'st', 'study.json'), '{"version": 1,');
    const s = await run(['status', 'st', '--json'], dir);
    expect(s.code).toBe(2);
    const doc = JSON.parse(s.out) as { ok: boolean; error: string };
    expect(doc.ok).toBe(false);
    expect(doc.error).toMatch(new RegExp(`^${path.join(dir, 'st', 'study.json').replace(/[.]/g, '\\.')}: not JSON`));
  });

  it('show refuses files the journal names outside the study folder (.. and symlinks)', async () => {
    const { dir, config } = toy();
    expect((await run(['run', config, '--out', 'st'], dir)).code).toBe(0);
    writeFileSync(path.join(dir, 'secret.json'), '{"secret": "outside"}');
    const journal = path.join(dir, 'st', 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    const forged = lines.map((l) => {
      const r = JSON.parse(l) as { kind: string; trial?: { index: number; policy?: { transcript?: string } } };
      if (r.kind === 'trial-end' && r.trial?.index === 0) r.trial.policy = { ...(r.trial.policy ?? {}), transcript: '../secret.json' } as never;
      return JSON.stringify(r);
    });
    writeFileSync(journal, `${forged.join('\n')}\n`);
    const r = await run(['show', 'st', '0'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`${path.join(dir, 'st', 'journal.jsonl')}: refers to ../secret.json, outside the study folder; not shown`);
    expect(r.out).not.toContain('outside');
    // a symlink inside the study pointing out is refused the same way
    const { symlinkSync } = await import('node:fs');
    symlinkSync(path.join(dir, 'secret.json'), path.join(dir, 'st', 'link.json'));
    writeFileSync(journal, `${forged.join('\n').replace('../secret.json', 'link.json')}\n`);
    expect((await run(['show', 'st', '0'], dir)).err).toMatch(/refers to link\.json, outside the study folder/);
  });
});
