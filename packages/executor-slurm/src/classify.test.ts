import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyEnd } from './classify.js';
import type { SlurmJobInfo } from './parse.js';
import { JOB_FILES } from './sbatch.js';
import { faultSpec } from './test-helpers.js';

describe('end classification', () => {
  const info = (state: string, more: Partial<SlurmJobInfo> = {}): SlurmJobInfo => ({
    id: '9',
    state,
    elapsedSec: 30,
    nodes: 'gpu07',
    source: 'scontrol',
    ...more,
  });
  it('names node failures, out-of-memory kills, Slurm time limits and preemption', () => {
    const spec = faultSpec('ok', { gpus: 4, timeLimitSec: 60 });
    spec.resources.memoryMb = 2048;
    expect(classifyEnd({ spec, slurmJobId: '9', info: info('NODE_FAIL') })).toMatchObject({
      status: 'failed',
      error: { type: 'NodeFail', message: 'Slurm job 9 on gpu07 ended with NODE_FAIL: its node failed' },
    });
    expect(classifyEnd({ spec, slurmJobId: '9', info: info('OUT_OF_MEMORY', { exitCode: 0, exitSignal: 9 }) })).toMatchObject({
      status: 'failed',
      error: { type: 'OutOfMemory', message: expect.stringContaining('--mem=2048M') },
    });
    const t = classifyEnd({ spec, slurmJobId: '9', info: info('TIMEOUT') });
    expect(t).toMatchObject({ status: 'timeout', error: { type: 'Timeout' }, resources: { wallSec: 30, gpus: 4 } });
    expect(t.resources.gpuHours).toBeCloseTo((4 * 30) / 3600, 9);
    expect(classifyEnd({ spec, slurmJobId: '9', info: info('PREEMPTED') })).toMatchObject({ status: 'failed', error: { type: 'Preempted' } });
    expect(classifyEnd({ spec, slurmJobId: '9', info: info('FAILED', { exitCode: 0, exitSignal: 9 }) })).toMatchObject({
      status: 'failed',
      error: { type: 'Signal', signal: 'SIGKILL' },
    });
  });

  it("falls back to the batch script's status file when Slurm forgot the job, and reports a lost job", () => {
    const spec = faultSpec('ok');
    mkdirSync(spec.jobDir, { recursive: true });
    expect(classifyEnd({ spec, slurmJobId: '9' })).toMatchObject({ status: 'failed', error: { type: 'Lost' } });
    writeFileSync(path.join(spec.jobDir, JOB_FILES.status), JSON.stringify({ state: 'exited', exitCode: 3, signal: '' }));
    expect(classifyEnd({ spec, slurmJobId: '9' })).toMatchObject({ status: 'failed', error: { type: 'ExitCode', exitCode: 3 } });
    writeFileSync(path.join(spec.jobDir, JOB_FILES.status), JSON.stringify({ state: 'terminated', exitCode: 143, signal: 'TERM' }));
    expect(classifyEnd({ spec, slurmJobId: '9' })).toMatchObject({ status: 'cancelled', error: { type: 'Terminated' } });
  });
});
