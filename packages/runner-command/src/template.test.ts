import type { JobSpec } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { parseCommandSpec } from './spec.js';
import { expandArgv, type TemplateContext } from './template.js';

const spec: JobSpec = {
  schemaVersion: 1,
  jobId: 't0004',
  actionKey: 'k',
  action: 'sft_gpu',
  actionType: 'sft',
  runner: 'command',
  runnerVersion: '1',
  inputs: [
    { slot: 'model', id: 'models/0', name: 'base', type: 'model', value: '/m/base', digest: 'a' },
    { slot: 'dataset', id: 'datasets/1', name: 'arith', type: 'dataset', value: '/d/arith.jsonl', digest: 'b' },
    { slot: 'learning_rate', id: 'lr/0', name: '1e-5', type: 'number', value: 1e-5, digest: 'c' },
    { slot: 'models', id: 't1', name: 'm1', type: 'model', value: '/a/t1', digest: 'd' },
    { slot: 'models', id: 't2', name: 'm2', type: 'model', value: '/a/t2', digest: 'e' },
    { slot: 'weights', id: 'w/0', name: 'w', type: 'json', value: [0.5, 0.5], digest: 'f' },
  ],
  params: { epochs: 2, opt: { betas: [0.9, 0.99], name: 'adamw' }, bf16: true, note: 'a b; rm -rf /' },
  outputDir: '/s/artifacts/.tmp-t0004',
  jobDir: '/s/jobs/t0004',
  seed: 1234,
  resources: { gpus: 2, cpus: 8, memoryMb: 64000 },
  plugins: [],
  smoke: false,
};
const ctx: TemplateContext = { spec, env: { HF_TOKEN: 'hf_secret', PY: '/opt/py/bin/python' } };

describe('argv templates', () => {
  it('fills inputs by slot name, params, folders and the seed, one argv element per template element', () => {
    const argv = expandArgv(
      [
        '{env.PY}',
        'train.py',
        '--model',
        '{input.model}',
        '--data',
        '{input.dataset}',
        '--lr',
        '{input.learning_rate}',
        '--out',
        '{outputDir}',
        '--seed',
        '{seed}',
        '--epochs={params.epochs}',
        '--name',
        '{params.opt.name}',
        '--note',
        '{params.note}',
        '--weights',
        '{input.weights}',
        '--gpus',
        '{gpus}',
        '--spec',
        '{specFile}',
        '{{literal}}',
        '--data-name',
        '{input.dataset.name}',
      ],
      ctx,
    );
    expect(argv).toEqual([
      '/opt/py/bin/python',
      'train.py',
      '--model',
      '/m/base',
      '--data',
      '/d/arith.jsonl',
      '--lr',
      '0.00001',
      '--out',
      '/s/artifacts/.tmp-t0004',
      '--seed',
      '1234',
      '--epochs=2',
      '--name',
      'adamw',
      '--note',
      'a b; rm -rf /',
      '--weights',
      '[0.5,0.5]',
      '--gpus',
      '2',
      '--spec',
      '/s/jobs/t0004/spec.json',
      '{literal}',
      '--data-name',
      'arith',
    ]);
  });

  it('expands a repeated slot into several elements, or picks one by index', () => {
    expect(expandArgv(['merge', '{inputs.models}', '--first', '{input.models.0}', '--ids', '{inputs.models.id}'], ctx)).toEqual([
      'merge',
      '/a/t1',
      '/a/t2',
      '--first',
      '/a/t1',
      '--ids',
      't1',
      't2',
    ]);
    expect(() => expandArgv(['{input.models}'], ctx)).toThrow(/command\[0\]: \{input\.models\}: slot models holds 2 inputs; pick one/);
    expect(() => expandArgv(['--m={inputs.models}'], ctx)).toThrow(/must be a whole element/);
  });

  it('names the element and the placeholder when one cannot be filled', () => {
    expect(() => expandArgv(['a', '{input.tokenizer}'], ctx)).toThrow(
      /command\[1\]: no input slot "tokenizer" \(slots: model, dataset, learning_rate, models, weights\)/,
    );
    expect(() => expandArgv(['{params.epoch}'], ctx)).toThrow(/command\[0\]: \{params\.epoch\}: no parameter epoch \(params: epochs, opt, bf16, note\)/);
    expect(() => expandArgv(['{outDir}'], ctx)).toThrow(/unknown placeholder \{outDir\} \(known: \{outputDir\}/);
    expect(() => expandArgv(['{env.NOPE}'], ctx)).toThrow(/environment variable NOPE is not set/);
    expect(expandArgv(['{env.NOPE:-python3}'], ctx)).toEqual(['python3']);
    expect(() => expandArgv(['a{b'], ctx)).toThrow(/unclosed "\{"/);
    expect(() => expandArgv(['a}b'], ctx)).toThrow(/stray "\}"/);
  });

  it('masks values read from the environment when the argv is shown in logs', () => {
    expect(expandArgv(['--token', '{env.HF_TOKEN}'], ctx, true)).toEqual(['--token', '<env.HF_TOKEN>']);
  });

  it('accepts params.command as an argv array or a full object, naming the field in errors', () => {
    expect(parseCommandSpec(['python', 'x.py'], 'p')).toMatchObject({ argv: ['python', 'x.py'], metricsFile: 'metrics.json', successExitCodes: [0] });
    expect(parseCommandSpec({ argv: ['x'], expectFiles: ['config.json'], env: { A: '{seed}' } }, 'p')).toMatchObject({
      expectFiles: ['config.json'],
      env: { A: '{seed}' },
    });
    expect(() => parseCommandSpec('python train.py', 'actions.sft.params.command')).toThrow(/actions\.sft\.params\.command/);
    expect(() => parseCommandSpec({ argv: [] }, 'c')).toThrow(/c\.argv/);
    expect(() => parseCommandSpec({ argv: ['x'], shell: true }, 'c')).toThrow(/shell/);
  });
});
