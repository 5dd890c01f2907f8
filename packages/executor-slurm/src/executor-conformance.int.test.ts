import { executorConformance } from '@lamdagent/testkit';
import { describe } from 'vitest';
import { slurmExecutorFactory } from './index.js';
import { slurmGate } from './test-helpers.js';

// testkit's behavioural executor suite on the real local Slurm cluster (scripts/ci/slurm.sh): every job
// is an sbatch job running testkit's scripted runner. Each job is its own process on the node, so a
// runner's non-zero exit or signal is a failed trial, never the study's end; the executor declares
// reattach (a study resumed after a crash finds its jobs again by their Slurm ids).
const gate = slurmGate();
const ctx = { configDir: process.cwd(), seed: 0, env: {}, generationBackend: () => Promise.reject(new Error('none')) };

describe.skipIf(!gate.run)(gate.title('slurm'), () => {
  executorConformance('slurm', {
    create: () => slurmExecutorFactory.create(slurmExecutorFactory.optionsSchema!.parse({ pollIntervalMs: 250 }), ctx),
    capabilities: { isolatesProcess: true, reattach: true },
  });
});
