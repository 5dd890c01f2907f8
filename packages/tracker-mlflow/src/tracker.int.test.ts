import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy, runStudy, type StudyEvent } from '@lamdagent/core';
import { trackersVenv } from '@lamdagent/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMlflowServer, type MlflowServer } from './mlflow-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE = path.join(here, '..');
const TOY = path.join(here, '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');
const venv = trackersVenv('[tracker-mlflow] tests against a real mlflow server');

/** A toy study (core's toy plugin: tiny vector "models", real loop) with the mlflow observer turned on in its config. */
function toyStudy(observer: string, iterations = 6): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracker-mlflow-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ target: [1, 0, 0] }));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ target: [0, 1, 0] }));
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ target: [0, 0, 1], fail: 'throw' }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `name: toy\nseed: 5\nbudget: { iterations: ${iterations} }\npolicy: random-type\nplugins: [${JSON.stringify(TOY)}, ${JSON.stringify(PACKAGE)}]\ndiscoverPlugins: false\nobjects:\n  base_models: [models/base]\n  models: [models/base]\n  datasets: [a.json, b.json, bad.json]\n  lr: [0.5]\n  weights: [[0.5, 0.5]]\n  density: [0.5]\nactions:\n  sft: [models, datasets, lr]\n  ties_merging: [base_models, models, models, weights, density]\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n  - { name: tb, evaluator: toy, options: { target: [0, 1, 0] } }\nobservers:\n  - ${observer}\n`,
  );
  return config;
}

interface RunView {
  name: string;
  status: string;
  params: Record<string, string>;
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

// What MLflow's own Python client reads back from the server.
const READ_RUNS = `
import json, sys
from mlflow.tracking import MlflowClient
c = MlflowClient(tracking_uri=sys.argv[1])
exp = c.get_experiment_by_name(sys.argv[2])
runs = [] if exp is None else c.search_runs([exp.experiment_id], max_results=1000)
print(json.dumps([{"name": r.info.run_name, "status": r.info.status, "params": r.data.params, "metrics": r.data.metrics, "tags": r.data.tags} for r in runs]))
`;

function readRuns(url: string, experiment: string): RunView[] {
  const r = spawnSync(venv.python, ['-c', READ_RUNS, url, experiment], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`reading runs failed: ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as RunView[];
}

describe.runIf(venv.run)('@lamdagent/tracker-mlflow against a real mlflow server (127.0.0.1)', () => {
  let server: MlflowServer;
  beforeAll(async () => {
    server = await startMlflowServer(venv.bin, mkdtempSync(path.join(tmpdir(), 'mlflow-server-')));
  }, 200_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('logs each trial as a run: params (action, inputs, hyperparameters), metrics (per-task scores, reward, seconds), tags (lineage, state), status', async () => {
    const config = toyStudy(`{ name: mlflow, options: { trackingUri: ${JSON.stringify(server.url)}, experimentName: toy-happy } }`);
    const s = await runStudy({ configPath: config, outDir: path.join(path.dirname(config), 'study'), env: {} });
    expect(s.trials).toHaveLength(6);
    expect(openStudy(s.dir).journal.observerFailures).toEqual([]);
    const runs = readRuns(server.url, 'toy-happy');
    expect(runs).toHaveLength(6);
    const byTrial = new Map(runs.map((r) => [Number(r.tags['lamdagent.trial']), r]));
    for (const t of s.trials) {
      const r = byTrial.get(t.index)!;
      expect(r, `run of trial ${t.index}`).toBeDefined();
      expect(r.name).toBe(`trial-${t.index} ${t.action.name}`);
      expect(r.status).toBe(t.state === 'failed' ? 'FAILED' : 'FINISHED');
      expect(r.params['action']).toBe(t.action.name);
      expect(r.params['action_type']).toBe(t.action.type);
      t.action.inputs.forEach((i, n) => expect(r.params[`input.${n}.${i.kind}`]).toBe(i.name));
      if (t.action.name === 'sft') expect(r.params['hp.lr']).toBe('0.5');
      else expect(JSON.parse(r.params['hp.weights']!)).toEqual([0.5, 0.5]);
      expect(r.tags['lamdagent.state']).toBe(t.state);
      expect(r.tags['lamdagent.study_dir']).toBe(s.dir);
      const parents = t.action.inputs.filter((i) => /^t\d+$/.test(i.id)).map((i) => i.id.slice(1));
      expect(r.tags['lamdagent.parents']).toBe(parents.join(','));
      expect(r.metrics['seconds']).toBeGreaterThanOrEqual(0);
      if (t.state === 'failed') expect(r.tags['lamdagent.error']).toContain('dataset is broken');
      else {
        expect(r.metrics['reward']).toBeCloseTo(t.reward!, 12);
        for (const [task, v] of Object.entries(t.scores)) expect(r.metrics[`score.${task}`]).toBeCloseTo(v, 12);
        if (t.produced) expect(r.tags['lamdagent.model']).toBe(t.produced.name);
      }
    }
    expect(s.trials.some((t) => t.state === 'failed')).toBe(true);
  }, 300_000);

  it('a server that refuses (the experiment was deleted) leaves the study running, the failures journaled after the retries', async () => {
    const post = async (endpoint: string, body: object): Promise<Record<string, unknown>> => {
      const call = (): Promise<Response> =>
        fetch(`${server.url}/api/2.0/mlflow/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      // Once more on a socket error: the pooled connection may have been closed by the server's keep-alive timeout.
      const r = await call().catch(call);
      expect(r.ok, await r.clone().text()).toBe(true);
      return (await r.json()) as Record<string, unknown>;
    };
    const { experiment_id } = await post('experiments/create', { name: 'toy-deleted' });
    await post('experiments/delete', { experiment_id });
    const config = toyStudy(
      `{ name: mlflow, options: { trackingUri: ${JSON.stringify(server.url)}, experimentName: toy-deleted }, retry: { attempts: 2, delayMs: 10 } }`,
      3,
    );
    const notices: string[] = [];
    const s = await runStudy({
      configPath: config,
      outDir: path.join(path.dirname(config), 'study'),
      env: {},
      onEvent: (e) => e.type === 'notice' && notices.push(e.message),
    });
    expect(s.trials).toHaveLength(3);
    expect(s.stopReason).toContain('iteration budget');
    const failures = openStudy(s.dir).journal.observerFailures;
    // Every trial-start and trial-end was refused (runs cannot be created in a deleted experiment).
    expect(failures.filter((f) => f.event === 'trial-end').map((f) => f.index)).toEqual([0, 1, 2]);
    for (const f of failures) {
      expect(f.observer).toBe('mlflow');
      expect(f.attempts).toBe(2);
      expect(f.error).toMatch(/HTTP 4\d\d/);
    }
    expect(notices.some((n) => n.startsWith('observer mlflow: trial-end of trial 0 failed after 2 attempts'))).toBe(true);
  }, 300_000);

  // Last: it kills the shared server (afterAll's stop then finds it gone).
  it('the server going down mid-study (SIGKILL) leaves the study running to its budget, the failures journaled', async () => {
    const own = server;
    const config = toyStudy(
      `{ name: mlflow, options: { trackingUri: ${JSON.stringify(own.url)}, experimentName: toy-down, timeoutMs: 3000 }, retry: { attempts: 2, delayMs: 10 } }`,
    );
    let killedAfter = -1;
    const onEvent = (e: StudyEvent): void => {
      if (e.type === 'trial-end' && e.trial.index === 1) {
        own.kill();
        killedAfter = e.trial.index;
      }
    };
    try {
      const s = await runStudy({ configPath: config, outDir: path.join(path.dirname(config), 'study'), env: {}, onEvent });
      expect(killedAfter).toBe(1);
      expect(s.trials).toHaveLength(6);
      expect(s.stopReason).toContain('iteration budget');
      const failures = openStudy(s.dir).journal.observerFailures;
      // The trials after the kill could not be logged: each failure is journaled, the last trial's end included.
      expect(failures.length).toBeGreaterThanOrEqual(2);
      expect(failures.some((f) => f.event === 'trial-end' && f.index === 5)).toBe(true);
      for (const f of failures) expect(f.error).toMatch(/ECONNREFUSED|ECONNRESET|fetch failed|UND_ERR|aborted|timeout/i);
    } finally {
      await own.stop();
    }
  }, 400_000);
});
