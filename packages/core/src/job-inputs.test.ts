import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { jobInputs } from './job-inputs.js';
import type { JobSpec } from './jobs.js';

const spec = (inputs: [string, unknown][]): JobSpec => ({
  schemaVersion: 1,
  jobId: 't1',
  actionKey: 'k',
  action: 'ties',
  actionType: 'ties',
  runner: 'r',
  runnerVersion: '1',
  inputs: inputs.map(([slot, value], n) => ({ slot, id: `o${n}`, name: `o${n}`, type: 'x', value: value as never, digest: 'd' })),
  params: {},
  outputDir: '/o',
  jobDir: '/j',
  seed: 1,
  resources: { gpus: 0, cpus: 1 },
  plugins: [],
  smoke: false,
});

describe('jobInputs', () => {
  it('maps slots to values (repeated slots to arrays) and names the slot of a bad value', () => {
    const S = z.object({ base: z.string(), models: z.array(z.string()), density: z.number() });
    expect(
      jobInputs(
        spec([
          ['base', '/b'],
          ['models', '/m1'],
          ['models', '/m2'],
          ['density', 0.5],
        ]),
        S,
      ),
    ).toEqual({ base: '/b', models: ['/m1', '/m2'], density: 0.5 });
    expect(() =>
      jobInputs(
        spec([
          ['base', '/b'],
          ['models', '/m1'],
          ['models', '/m2'],
          ['density', 'x'],
        ]),
        S,
      ),
    ).toThrow('job t1 (ties): bad inputs: input density: Invalid input: expected number, received string');
  });
});
