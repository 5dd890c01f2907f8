import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeToyWorld } from '../test-fixtures/toy-world.js';
import { jobEnv } from './subprocess-jobs.js';
import { runStudy } from './study-run.js';

describe('jobs get least privilege', () => {
  it('builds a job environment from an allowlist plus declared names, never keys or tokens by default', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/h',
      LC_ALL: 'C',
      CUDA_VISIBLE_DEVICES: '0',
      HF_HOME: '/hf',
      LAMDAGENT_PYTHON: '/py',
      OPENAI_API_KEY: 'sk-x',
      HF_TOKEN: 'hf-x',
      LAMDAGENT_API_KEY: 'k',
      AWS_SECRET_ACCESS_KEY: 's',
      RANDOM_VAR: 'r',
      WANDB_API_KEY: 'w',
    };
    expect(jobEnv(env)).toEqual({ PATH: '/usr/bin', HOME: '/h', LC_ALL: 'C', CUDA_VISIBLE_DEVICES: '0', HF_HOME: '/hf', LAMDAGENT_PYTHON: '/py' });
    expect(jobEnv(env, ['RANDOM_VAR', 'WANDB_API_KEY', 'MISSING'])).toMatchObject({ RANDOM_VAR: 'r', WANDB_API_KEY: 'w' });
  });

  it('writes each line of a subprocess job once to its runner.log', async () => {
    const w = makeToyWorld({ iterations: 1, executor: 'subprocess' });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out });
    const log = readFileSync(path.join(out, 'jobs', 't0000', 'runner.log'), 'utf8')
      .trim()
      .split('\n');
    expect(log.length).toBeGreaterThan(0);
    expect(new Set(log).size).toBe(log.length);
    expect(log[0]).toMatch(/^runner toy-(train|merge)@1 job t0000$/);
  });
});
