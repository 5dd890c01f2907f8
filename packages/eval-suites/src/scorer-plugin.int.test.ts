import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble, JournalRecordSchema, LamdagentError, loadConfig, loadPlugins, Registry, registerBuiltins, runStudy } from '@lamdagent/core';
import { bootstrapMeanInterval } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';

// The embedded world's shipped tiny base model, by path (see figure11.int.test.ts for why not by import).
const SHIPPED_BASE_MODEL = fileURLToPath(new URL('../../world/assets/base-model/', import.meta.url));
const PACKAGES = resolve(import.meta.dirname, '../..');
/** action-sft and this package by folder (built entries), and the third-party scorer plugin of the fixtures. */
const PLUGINS = [join(PACKAGES, 'action-sft'), join(PACKAGES, 'eval-suites'), resolve(import.meta.dirname, '../fixtures/scorer-plugin')];

function studyFolder(scorer: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lamdagent-scorer-plugin-'));
  cpSync(SHIPPED_BASE_MODEL, join(dir, 'models/base'), { recursive: true });
  mkdirSync(join(dir, 'data'));
  const sft = [
    { prompt: 'Q: capital of Italy? A:', completion: ' Rome' },
    { prompt: 'Q: capital of France? A:', completion: ' Paris' },
  ];
  writeFileSync(join(dir, 'data/sft.jsonl'), sft.map((x) => JSON.stringify(x)).join('\n') + '\n');
  const items = [
    { id: 'q1', prompt: 'Q: capital of Italy? A:', answer: 'Rome' },
    { id: 'q2', prompt: 'Q: capital of France? A:', answer: ['Paris', 'Paris France'] },
    { id: 'q3', prompt: 'Q: capital of Spain? A:', answer: 'Madrid' },
  ];
  writeFileSync(join(dir, 'data/val.jsonl'), items.map((x) => JSON.stringify(x)).join('\n') + '\n');
  writeFileSync(
    join(dir, 'study.yaml'),
    `seed: 0
budget: { iterations: 1 }
policy: random
discoverPlugins: false
objects:
  models: { values: [models/base], names: [base] }
  sft_dataset: { values: [data/sft.jsonl], names: [capitals] }
  sft_lr: [0.002]
actions:
  sft: { slots: [models, sft_dataset, sft_lr], params: { epochs: 1, batchSize: 2 } }
tasks:
  - name: capitals
    metric: f1
    options: { scorer: ${scorer}, scorerOptions: { caseSensitive: false }, maxNewTokens: 4, data: { validation: data/val.jsonl } }
aggregation: mean
executor: inprocess
`,
  );
  return dir;
}

describe('a scorer registered by a third-party plugin, in a study', () => {
  it('scores a task of a study run end to end (random policy, one SFT trial)', async () => {
    const dir = studyFolder('token-f1');
    const s = await runStudy({ configPath: join(dir, 'study.yaml'), outDir: join(dir, 'study'), overrides: { plugins: PLUGINS } });
    expect(s.trials).toHaveLength(1);
    const t = s.trials[0]!;
    expect(t.state, JSON.stringify(t.error)).toBe('complete');
    const items = readFileSync(join(dir, 'study/jobs/t0000/eval/capitals.validation.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; score: number; prediction: string });
    expect(items.map((i) => i.id)).toEqual(['q1', 'q2', 'q3']);
    for (const i of items) expect(i.score).toBeGreaterThanOrEqual(0);
    expect(t.scores['capitals']).toBeCloseTo(items.reduce((a, i) => a + i.score, 0) / 3, 12);
    // The task score's 95% bootstrap interval over the items is journaled with the trial (issue 19 item 6).
    const iv = bootstrapMeanInterval(items.map((i) => i.score));
    const ends = readFileSync(join(dir, 'study/journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JournalRecordSchema.parse(JSON.parse(l)))
      .filter((r) => r.kind === 'trial-end');
    expect(ends.map((r) => r.kind === 'trial-end' && r.trial.intervals)).toEqual([{ capitals: { lo: iv.lo, hi: iv.hi } }]);
    expect(iv.lo).toBeLessThanOrEqual(t.scores['capitals']!);
    expect(iv.hi).toBeGreaterThanOrEqual(t.scores['capitals']!);
  }, 300_000);

  it('an unknown scorer is refused at validation (exit 2), naming the known ones, the plugin scorers included', async () => {
    const dir = studyFolder('token-f2');
    const loaded = loadConfig(join(dir, 'study.yaml'));
    const registry = new Registry();
    await registerBuiltins(registry);
    await loadPlugins(registry, { configured: PLUGINS, fromDir: dirname(loaded.file), discover: false });
    let err: unknown;
    try {
      assemble(loaded, registry, { skipDigests: true });
    } catch (e) {
      err = e;
    }
    expect(LamdagentError.isInstance(err) && err.exitCode).toBe(2);
    expect((err as Error).message).toMatch(/unknown scorer "token-f2" \(known: numeric, choice, exact, toolcall, judge, token-f1, broken\)/);
  });

  it('early stopping (config earlyStop): a candidate clearly below the top-1 is scored on a first slice, journaled as partial', async () => {
    const dir = studyFolder('exact');
    const items = Array.from({ length: 40 }, (_, i) => ({ id: `g${i}`, prompt: `Q: item ${i}? A:`, answer: 'good' }));
    writeFileSync(join(dir, 'data/val.jsonl'), items.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const yaml = readFileSync(join(dir, 'study.yaml'), 'utf8')
      .replace('budget: { iterations: 1 }', 'budget: { iterations: 2 }\ntopK: 1\nearlyStop: { looks: [0.25, 0.5], alpha: 0.05 }\npolicy: greedy')
      .replace(/^policy: random\n/m, '')
      .replace('scorerOptions: { caseSensitive: false }, ', 'backend: trial-zero-knows, ')
      .replace('sft_lr: [0.002]', 'sft_lr: [0.002, 0.001]');
    writeFileSync(join(dir, 'study.yaml'), yaml);
    const s = await runStudy({ configPath: join(dir, 'study.yaml'), outDir: join(dir, 'study'), overrides: { plugins: PLUGINS } });
    const [t0, t1] = s.trials;
    expect(t0?.state, JSON.stringify(t0?.error)).toBe('complete');
    expect(t0?.scores).toEqual({ capitals: 1 });
    expect(t0?.partial).toBeUndefined(); // no top-1 yet: scored in full
    expect(t1?.state, JSON.stringify(t1?.error)).toBe('complete');
    expect(t1?.action.key).not.toBe(t0?.action.key);
    expect(t1?.scores).toEqual({ capitals: 0 });
    expect(t1?.partial).toMatchObject({ slice: 0.25, threshold: 1, items: { capitals: { n: 10, total: 40 } } });
    expect(t1!.partial!.hi).toBeLessThan(1);
    expect(t1?.intervals).toEqual({ capitals: { lo: 0, hi: 0 } });
    // The per-item file of the stopped trial holds the slice only.
    expect(readFileSync(join(dir, 'study/jobs/t0001/eval/capitals.validation.jsonl'), 'utf8').trim().split('\n')).toHaveLength(10);
  }, 300_000);
});
