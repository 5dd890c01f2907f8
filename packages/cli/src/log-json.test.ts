import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '@lamdagent/core';
import { main } from './cli.js';
import { jsonLogRequested, jsonMessageLine } from './log-json.js';
import { failureJson } from './run-outcome.js';

const TOY = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');

/** A toy study whose datasets are named like secrets (a key shape, and an environment secret's value), one of which fails its trial. */
function world(): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-logjson-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  writeFileSync(path.join(dir, 'sk-abcdefghijklmnop1234.json'), JSON.stringify({ target: [1, 0, 0] }));
  writeFileSync(path.join(dir, 'hunter2hunter2.json'), JSON.stringify({ target: [0, 1, 0] }));
  writeFileSync(path.join(dir, 'broken.json'), JSON.stringify({ target: [0, 0, 1], fail: 'throw' }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `seed: 3\nbudget: { iterations: 6 }\npolicy: random\nplugins: [${JSON.stringify(TOY)}]\ndiscoverPlugins: false\nobjects:\n  models: [models/base]\n  datasets: [sk-abcdefghijklmnop1234.json, hunter2hunter2.json, broken.json]\n  lr: [0.5]\nactions:\n  sft: [models, datasets, lr]\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n`,
  );
  return { dir, config };
}

describe('--log-format json', () => {
  it('prints one JSON object per event line on stderr: trial start and end, state, reward, seconds, failures with their cause; secrets redacted', async () => {
    const w = world();
    const err: string[] = [];
    const out: string[] = [];
    // The study folder's name is an environment secret's value: the start event's `dir` must not show it.
    const code = await main(['run', w.config, '--out', path.join(w.dir, 'hunter2hunter2'), '--log-format', 'json'], {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { MY_SECRET_TOKEN: 'hunter2hunter2' },
      cwd: w.dir,
    });
    expect(code).toBe(0);
    const events = err.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.every((e) => typeof e['ts'] === 'string' && typeof e['event'] === 'string')).toBe(true);
    expect(events[0]).toMatchObject({ event: 'start', resumed: false, done: 0, budget: 6 });
    expect(events.at(-1)).toMatchObject({ event: 'stop' });
    const starts = events.filter((e) => e['event'] === 'trial-start');
    const ends = events.filter((e) => e['event'] === 'trial-end');
    expect(starts).toHaveLength(6);
    expect(ends).toHaveLength(6);
    for (const e of ends) {
      expect(['complete', 'failed', 'cached']).toContain(e['state']);
      expect(e['actionType']).toBe('sft');
      expect(typeof e['seconds']).toBe('number');
      if (e['state'] === 'complete') expect(typeof e['reward']).toBe('number');
    }
    const failed = ends.find((e) => e['state'] === 'failed' && e['failure']);
    expect(failed, 'the broken dataset fails its trial').toBeDefined();
    expect(failed!['failure']).toMatchObject({ cause: expect.stringContaining('dataset is broken') });
    const all = err.join('\n');
    expect(all).not.toContain('hunter2hunter2');
    expect(all).not.toContain('sk-abcdefghijklmnop1234');
    expect(all).toContain('[redacted:MY_SECRET_TOKEN]');
    expect(all).toContain('[REDACTED]');
  });

  it('refuses an unknown format (exit 2) before anything runs', async () => {
    const w = world();
    await expect(
      main(['run', w.config, '--out', path.join(w.dir, 's'), '--log-format', 'xml'], { out: () => undefined, err: () => undefined, env: {}, cwd: w.dir }),
    ).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--log-format expects text or json'),
    });
  });

  it('ends a run with no completed trial with a JSON summary line (exit 1), every stderr line JSON', async () => {
    const w = world();
    const config = w.config.replace('study.yaml', 'broken.yaml');
    writeFileSync(
      config,
      readFileSync(w.config, 'utf8')
        .replace('[sk-abcdefghijklmnop1234.json, hunter2hunter2.json, broken.json]', '[broken.json]')
        .replace('iterations: 6', 'iterations: 2'),
    );
    const err: string[] = [];
    const code = await main(['run', config, '--out', path.join(w.dir, 's'), '--log-format', 'json'], {
      out: () => undefined,
      err: (t) => err.push(t),
      env: {},
      cwd: w.dir,
    });
    expect(code).toBe(1);
    const lines = err.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.at(-1)).toMatchObject({ event: 'summary', exitCode: 1, message: expect.stringContaining('no trial completed') });
  });

  it('a fatal error is one JSON line too (bin.ts), with the failure document and secrets redacted', () => {
    expect(jsonLogRequested(['run', 'x.yaml', '--log-format', 'json'])).toBe(true);
    expect(jsonLogRequested(['run', 'x.yaml', '--log-format=json'])).toBe(true);
    expect(jsonLogRequested(['run', 'x.yaml', '--log-format', 'text'])).toBe(false);
    const e = new ConfigError('/tmp/study.yaml', [{ path: 'policy.options.apiKey', message: 'hunter2hunter2 is not allowed' }]);
    const line = JSON.parse(jsonMessageLine('error', failureJson(e), { MY_SECRET_TOKEN: 'hunter2hunter2' })) as Record<string, unknown>;
    expect(line).toMatchObject({ event: 'error', ok: false, exitCode: 2, file: '/tmp/study.yaml' });
    expect(typeof line['ts']).toBe('string');
    // the key's value is gone from the message and the issues (kit's key=value redactor or the environment's secret values)
    expect(JSON.stringify(line)).not.toContain('hunter2hunter2');
    expect(JSON.stringify(line)).toContain('[redacted:MY_SECRET_TOKEN]');
  });
});
