import { describe, expect, it } from 'vitest';
import { baseState, formatTimeLimit, parseExitCode, parseSacct, parseSbatchParsable, parseScontrolJob, parseSlurmDuration, parseSqueue } from './parse.js';

describe('Slurm output parsers', () => {
  it('reads sbatch --parsable (with and without a cluster name) and refuses anything else', () => {
    expect(parseSbatchParsable('1234\n')).toBe('1234');
    expect(parseSbatchParsable('77;gpu-cluster\n')).toBe('77');
    expect(() => parseSbatchParsable('sbatch: error: nope')).toThrow(/no job id/);
  });

  it('parses durations in every Slurm layout and formats --time in whole minutes, rounded up', () => {
    expect(parseSlurmDuration('0:04')).toBe(4);
    expect(parseSlurmDuration('12:34')).toBe(754);
    expect(parseSlurmDuration('01:02:03')).toBe(3723);
    expect(parseSlurmDuration('2-01:00:00')).toBe(2 * 86400 + 3600);
    expect(parseSlurmDuration('1-02')).toBe(86400 + 7200);
    expect(parseSlurmDuration('N/A')).toBeUndefined();
    expect(parseSlurmDuration('INVALID')).toBeUndefined();
    expect(formatTimeLimit(3)).toBe('00:01:00');
    expect(formatTimeLimit(60)).toBe('00:01:00');
    expect(formatTimeLimit(61)).toBe('00:02:00');
    expect(formatTimeLimit(26 * 3600)).toBe('1-02:00:00');
  });

  it('splits exit codes and states', () => {
    expect(parseExitCode('3:0')).toEqual({ exitCode: 3 });
    expect(parseExitCode('0:9')).toEqual({ exitCode: 0, exitSignal: 9 });
    expect(parseExitCode('garbage')).toEqual({});
    expect(baseState('CANCELLED by 0')).toBe('CANCELLED');
    expect(baseState('running')).toBe('RUNNING');
  });

  it('parses squeue lines (reason last, may contain anything)', () => {
    const m = parseSqueue('12|RUNNING|1:05|None\n13|PENDING|0:00|(Resources)\n14|CANCELLED|0:03|a|b\n');
    expect(m.get('12')).toEqual({ id: '12', state: 'RUNNING', elapsedSec: 65, source: 'squeue' });
    expect(m.get('13')).toMatchObject({ state: 'PENDING', reason: '(Resources)' });
    expect(m.get('14')!.reason).toBe('a|b');
  });

  it('parses scontrol -o, including values with spaces', () => {
    const line =
      'JobId=5 JobName=lamdagent-t0001-sft UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0 RunTime=00:00:04 TimeLimit=00:01:00 NodeList=vm Command=/tmp/a b/lamdagent-job.sh x WorkDir=/tmp/a b/job StdOut=/tmp/a b/job/slurm-5.out';
    expect(parseScontrolJob(line)).toEqual({
      id: '5',
      state: 'FAILED',
      reason: 'NonZeroExitCode',
      elapsedSec: 4,
      exitCode: 3,
      workDir: '/tmp/a b/job',
      name: 'lamdagent-t0001-sft',
      nodes: 'vm',
      source: 'scontrol',
    });
    expect(parseScontrolJob('')).toBeUndefined();
  });

  it('parses the sacct allocation line of the job asked for', () => {
    const out = '41|CANCELLED by 0|0:15|7|node1|lamdagent-t0002-sft|/shared/study/jobs/t0002\n41.batch|CANCELLED|0:15|7|node1|batch|\n';
    expect(parseSacct(out, '41')).toEqual({
      id: '41',
      state: 'CANCELLED',
      exitCode: 0,
      exitSignal: 15,
      elapsedSec: 7,
      nodes: 'node1',
      name: 'lamdagent-t0002-sft',
      workDir: '/shared/study/jobs/t0002',
      source: 'sacct',
    });
    expect(parseSacct(out, '42')).toBeUndefined();
  });
});
