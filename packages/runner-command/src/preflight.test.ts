import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRegistry, ConfigError, loadConfig, preflightStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = (name: string): string => path.resolve(PACKAGE_DIR, '..', name);

const SFT_LINE = '{"prompt":"1+1=","completion":" 2"}\n';
const PREF_LINE = '{"prompt":"1+1=","chosen":" 2","rejected":" 3"}\n';

/** A study whose sft and dpo actions run the TRL runners on the datasets given; returns its preflight issues. */
async function preflightIssues(data: { sft: string; pref: string }, runners: { sft?: string; dpo?: string }): Promise<{ dir: string; issues: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'trl-preflight-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), '{}');
  mkdirSync(path.join(dir, 'data'));
  writeFileSync(path.join(dir, 'data', 'sft.jsonl'), data.sft);
  writeFileSync(path.join(dir, 'data', 'pref.jsonl'), data.pref);
  writeFileSync(path.join(dir, 'val.jsonl'), '{"id":"1","prompt":"1+1=","answer":"2"}\n');
  const plugins = [pkg('action-sft'), pkg('action-dpo'), pkg('eval-suites'), PACKAGE_DIR];
  const runner = (r: string | undefined): string => (r ? `, runner: ${r}` : '');
  writeFileSync(
    path.join(dir, 'study.yaml'),
    `seed: 1
budget: { iterations: 2 }
policy: random
plugins: ${JSON.stringify(plugins)}
discoverPlugins: false
objects:
  models: [models/base]
  sft_data: [data/sft.jsonl]
  pref_data: [data/pref.jsonl]
  lr: [0.001]
  beta: [0.1]
actions:
  sft: { slots: [models, sft_data, lr]${runner(runners.sft)} }
  dpo: { slots: [models, pref_data, lr, beta]${runner(runners.dpo)} }
tasks:
  - { name: sums, options: { scorer: numeric, data: { validation: val.jsonl } } }
`,
  );
  const loaded = loadConfig(path.join(dir, 'study.yaml'));
  const { registry } = await buildRegistry(loaded);
  try {
    preflightStudy(loaded, registry, {});
  } catch (e) {
    if (ConfigError.isInstance(e)) return { dir, issues: e.issues.map((i) => `${i.path}: ${i.message}`) };
    throw e;
  }
  return { dir, issues: [] };
}

describe('preflight: each dataset is checked in the format of the runner that reads it', () => {
  it('the TRL runners check their datasets before the first trial (sft-trl: prompt, completion; dpo-trl: prompt, chosen, rejected)', async () => {
    // the right data for each: nothing to say
    expect((await preflightIssues({ sft: SFT_LINE, pref: PREF_LINE }, { sft: 'sft-trl', dpo: 'dpo-trl' })).issues).toEqual([]);
    // swapped: each runner refuses the other's format, naming the object, the line, the field and the runner
    const { dir, issues } = await preflightIssues({ sft: PREF_LINE, pref: SFT_LINE }, { sft: 'sft-trl', dpo: 'dpo-trl' });
    expect(issues).toEqual([
      `objects.sft_data[0]: ${dir}/data/sft.jsonl:1: completion: Invalid input: expected string, received undefined (slot dataset of actions.sft, runner sft-trl)`,
      `objects.pref_data[0]: ${dir}/data/pref.jsonl:1: chosen: Invalid input: expected string, received undefined; rejected: Invalid input: expected string, received undefined (slot dataset of actions.dpo, runner dpo-trl)`,
    ]);
  });

  it("the action's runner decides the format: an SFT-shaped dataset is fine for sft-trl, refused for dpo-trl", async () => {
    // the dpo action type's own check (preference pairs, for its default tiny runner) does not apply
    // to another runner's data; the runner's does. Here the dpo action runs sft-trl (SFT records).
    const swapped = await preflightIssues({ sft: SFT_LINE, pref: SFT_LINE }, { dpo: 'sft-trl' });
    expect(swapped.issues).toEqual([]);
    const wrong = await preflightIssues({ sft: SFT_LINE, pref: PREF_LINE.replace('"chosen":" 2",', '') }, { sft: 'dpo-trl', dpo: 'dpo-trl' });
    expect(wrong.issues).toEqual([
      `objects.sft_data[0]: ${wrong.dir}/data/sft.jsonl:1: chosen: Invalid input: expected string, received undefined; rejected: Invalid input: expected string, received undefined (slot dataset of actions.sft, runner dpo-trl)`,
      `objects.pref_data[0]: ${wrong.dir}/data/pref.jsonl:1: chosen: Invalid input: expected string, received undefined (slot dataset of actions.dpo, runner dpo-trl)`,
    ]);
  });

  it('a dataset folder: the TRL scripts read only train.jsonl in it', async () => {
    const { dir, issues } = await preflightIssues({ sft: SFT_LINE, pref: PREF_LINE }, { sft: 'sft-trl' });
    expect(issues).toEqual([]);
    // the same config with the SFT data as a folder holding data.jsonl (the tiny runner reads it, TRL's does not)
    const folder = path.join(dir, 'data', 'sft-folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'data.jsonl'), SFT_LINE);
    const yaml = path.join(dir, 'study.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('sft_data: [data/sft.jsonl]', 'sft_data: [data/sft-folder]'));
    const loaded = loadConfig(yaml);
    const { registry } = await buildRegistry(loaded);
    expect(() => preflightStudy(loaded, registry, {})).toThrow(`${folder}: a folder with none of train.jsonl (slot dataset of actions.sft, runner sft-trl)`);
  });
});
