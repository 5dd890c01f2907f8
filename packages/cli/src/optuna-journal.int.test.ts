import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy, recordEvaluations } from '@lamdagent/core';
import { freePort, trackersVenv } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';

const TOY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');
const venv = trackersVenv('[cli] optuna-journal export read back by the real optuna');

function toyStudyConfig(): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-optuna-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ target: [1, 0, 0] }));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ target: [0, 1, 0] }));
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ target: [0, 0, 1], fail: 'throw' }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `name: toy-optuna\nseed: 2\nbudget: { iterations: 8 }\npolicy: random-type\nplugins: [${JSON.stringify(TOY)}]\ndiscoverPlugins: false\nobjects:\n  base_models: [models/base]\n  models: [models/base]\n  datasets: [a.json, b.json, bad.json]\n  lr: [0.5, 0.25]\n  weights: [[0.5, 0.5]]\n  density: [0.5]\nactions:\n  sft: [models, datasets, lr]\n  ties_merging: [base_models, models, models, weights, density]\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n  - { name: tb, evaluator: toy, options: { target: [0, 1, 0] } }\n`,
  );
  return { dir, config };
}

// Reads the export with optuna's own JournalStorage and prints what load_study sees.
const READ_BACK = `
import json, sys, optuna
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
storage = JournalStorage(JournalFileBackend(sys.argv[1]))
names = [s.study_name for s in optuna.study.get_all_study_summaries(storage)]
study = optuna.load_study(study_name=sys.argv[2], storage=storage)
print(json.dumps({
  "names": names,
  "direction": study.direction.name,
  "user_attrs": study.user_attrs,
  "best": None if not any(t.state.name == "COMPLETE" for t in study.trials) else {"number": study.best_trial.number, "value": study.best_value},
  "trials": [{"number": t.number, "state": t.state.name, "value": t.value, "params": t.params, "user_attrs": t.user_attrs,
              "duration": None if t.duration is None else t.duration.total_seconds()} for t in study.trials],
}))
`;

describe('lamdagent export --format optuna-journal', () => {
  it.runIf(venv.run)(
    'writes a journal that the real optuna.load_study reads and optuna-dashboard serves: trials, reward as the value, action as params, per-task scores as user attrs',
    async () => {
      const w = toyStudyConfig();
      const dir = path.join(w.dir, 'study');
      const io = { out: () => undefined, err: () => undefined, env: {}, cwd: w.dir };
      expect(await main(['run', w.config, '--out', dir], io)).toBe(0);
      const view0 = openStudy(dir);
      const first = view0.trials.find((t) => t.state === 'complete')!;
      recordEvaluations(dir, [{ index: first.index, split: 'test', scores: { ta: 0.125, tb: 0.5 } }]);
      const out: string[] = [];
      const file = path.join(w.dir, 'x.log');
      expect(await main(['export', dir, '--format', 'optuna-journal', '-o', file], { ...io, out: (t) => out.push(t) })).toBe(0);
      expect(out.join('\n')).toContain('8 trials');

      const r = spawnSync(venv.python, ['-c', READ_BACK, file, 'toy-optuna'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr.slice(-3000)).toBe(0);
      type T = {
        number: number;
        state: string;
        value: number | null;
        params: Record<string, string | number>;
        user_attrs: Record<string, unknown>;
        duration: number | null;
      };
      const got = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
        names: string[];
        direction: string;
        user_attrs: Record<string, unknown>;
        best: { number: number; value: number } | null;
        trials: T[];
      };
      expect(got.names).toEqual(['toy-optuna']);
      expect(got.direction).toBe('MAXIMIZE');
      expect(got.user_attrs['lamdagent.seed']).toBe(2);
      const view = openStudy(dir);
      expect(got.trials).toHaveLength(view.trials.length);
      for (const t of view.trials) {
        const o = got.trials[t.index]!;
        expect(o.number).toBe(t.index);
        expect(o.user_attrs['lamdagent.trial']).toBe(t.index);
        expect(o.user_attrs['state']).toBe(t.state);
        expect(o.params['action']).toBe(t.action.name);
        // Every input slot is a param, with the object's name (hyperparameters as numbers).
        const inputs = Object.entries(o.params).filter(([k]) => k !== 'action');
        expect(inputs).toHaveLength(t.action.inputs.length);
        for (const [, v] of inputs) expect(t.action.inputs.some((i) => i.name === String(v) || Number(i.name) === v)).toBe(true);
        if (t.state === 'failed') {
          expect(o.state).toBe('FAIL');
          expect(o.value).toBeNull();
          expect(String(o.user_attrs['error'])).toContain('dataset is broken');
        } else {
          expect(o.state).toBe('COMPLETE');
          expect(o.value).toBeCloseTo(t.reward!, 12);
          for (const [task, s] of Object.entries(t.scores)) expect(o.user_attrs[`score.${task}`]).toBeCloseTo(s, 12);
        }
        expect(o.duration).not.toBeNull();
        const parents = t.action.inputs.filter((i) => /^t\d+$/.test(i.id)).map((i) => Number(i.id.slice(1)));
        expect(o.user_attrs['parents']).toEqual(parents);
      }
      expect(got.trials.some((t) => t.state === 'FAIL')).toBe(true);
      expect(got.trials.some((t) => Object.keys(t.params).some((k) => k.startsWith('ties_merging.models')))).toBe(true);
      expect(got.trials[first.index]!.user_attrs['test.ta']).toBe(0.125);
      const best = view.trials.filter((t) => t.state !== 'failed' && t.reward !== undefined).sort((a, b) => b.reward! - a.reward!)[0]!;
      expect(got.best?.value).toBeCloseTo(best.reward!, 12);
      expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);

      // optuna-dashboard serves the same file: its API lists the study and every trial with value, params and user attrs.
      const port = await freePort();
      const dash = spawn(path.join(venv.bin, 'optuna-dashboard'), [file, '--host', '127.0.0.1', '--port', String(port)], { stdio: 'ignore', detached: true });
      try {
        const get = async (p: string): Promise<unknown> => {
          const t0 = Date.now();
          for (;;) {
            try {
              const r = await fetch(`http://127.0.0.1:${port}${p}`, { signal: AbortSignal.timeout(5000) });
              if (r.ok) return r.json();
            } catch {
              // not up yet
            }
            if (Date.now() - t0 > 90_000) throw new Error(`optuna-dashboard did not answer ${p}`);
            await new Promise((res) => setTimeout(res, 300));
          }
        };
        const studies = (await get('/api/studies')) as { study_summaries: { study_id: number; study_name: string }[] };
        expect(studies.study_summaries.map((s) => s.study_name)).toEqual(['toy-optuna']);
        const detail = (await get(`/api/studies/${studies.study_summaries[0]!.study_id}`)) as {
          trials: { number: number; state: string; values?: number[]; params: { name: string }[]; user_attrs: { key: string }[] }[];
        };
        expect(detail.trials).toHaveLength(view.trials.length);
        for (const t of view.trials) {
          const d = detail.trials.find((x) => x.number === t.index)!;
          expect(d.state).toBe(t.state === 'failed' ? 'Fail' : 'Complete');
          if (t.state !== 'failed') expect(d.values?.[0]).toBeCloseTo(t.reward!, 12);
          expect(d.params.map((p) => p.name)).toContain('action');
          expect(d.user_attrs.map((a) => a.key)).toContain('lamdagent.trial');
        }
      } finally {
        if (dash.pid) process.kill(-dash.pid, 'SIGKILL');
      }
    },
    240_000,
  );

  it('refuses bad input with exit 2 and writes nothing: unknown format, existing output, not a study folder', async () => {
    const w = toyStudyConfig();
    const io = { out: () => undefined, err: () => undefined, env: {}, cwd: w.dir };
    await expect(main(['export', w.dir, '--format', 'csv', '-o', 'x.log'], io)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('unknown format "csv"'),
    });
    await expect(main(['export', w.dir, '--format', 'optuna-journal', '-o', 'x.log'], io)).rejects.toMatchObject({ exitCode: 2 });
    writeFileSync(path.join(w.dir, 'y.log'), 'kept');
    const dir = path.join(w.dir, 'study');
    expect(await main(['run', w.config, '--out', dir, '--iterations', '1'], io)).toBe(0);
    await expect(main(['export', dir, '--format', 'optuna-journal', '-o', 'y.log'], io)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--force'),
    });
    expect(readFileSync(path.join(w.dir, 'y.log'), 'utf8')).toBe('kept');
  });
});
