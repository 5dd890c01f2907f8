import { execFile } from 'node:child_process';
import path from 'node:path';
import { isInvalidJobId, parseSacct, parseSbatchParsable, parseScontrolJob, parseSqueue, SACCT_FIELDS, SQUEUE_FORMAT, type SlurmJobInfo } from './parse.js';

/** A Slurm command failed (not found, refused, timed out); the message names the command and its stderr. */
export class SlurmCommandError extends Error {
  override name = 'SlurmCommandError';
  constructor(
    readonly command: string,
    message: string,
    readonly stderr = '',
    readonly transient = false,
  ) {
    super(`${command}: ${message}`);
  }
}

/** The Slurm commands the executor uses; replaceable (tests, wrappers that reach a remote login node). */
export interface SlurmCli {
  /** sbatch --parsable ARGS (run in `cwd` with `env`); resolves to the job id. */
  submit(args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string>;
  /** squeue about these jobs (one call); jobs slurmctld no longer knows are absent from the map. */
  queue(ids: readonly string[]): Promise<Map<string, SlurmJobInfo>>;
  /** scontrol show job: details including the exit code; undefined when slurmctld does not know the id. */
  show(id: string): Promise<SlurmJobInfo | undefined>;
  /** sacct: the accounting record; undefined when unknown or accounting is disabled. */
  accounting(id: string): Promise<SlurmJobInfo | undefined>;
  /** scancel; a job that already ended is not an error. */
  cancel(id: string): Promise<void>;
}

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

const TRANSIENT = /temporarily|timed out|try again|Unable to contact|Connection refused|Socket timed out|Resource temporarily unavailable/i;

/** Runs the real Slurm commands with argv arrays (never a shell). */
export class CommandSlurmCli implements SlurmCli {
  #accountingDisabled = false;
  constructor(private readonly opts: { binDir?: string; sacct?: boolean | 'auto'; commandTimeoutMs?: number; submitRetries?: number } = {}) {}

  #bin(name: string): string {
    return this.opts.binDir ? path.join(this.opts.binDir, name) : name;
  }

  #run(name: string, args: readonly string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    return new Promise((resolve, reject) => {
      execFile(
        this.#bin(name),
        [...args],
        { cwd: o.cwd, env: o.env ?? process.env, timeout: this.opts.commandTimeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (err, stdout, stderr) => {
          if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
            const code = (err as NodeJS.ErrnoException).code;
            const msg = code === 'ENOENT' ? `not found (is Slurm installed and on PATH${this.opts.binDir ? ` in ${this.opts.binDir}` : ''}?)` : err.message;
            reject(new SlurmCommandError(name, msg, '', code !== 'ENOENT'));
            return;
          }
          if (err && err.killed) {
            reject(new SlurmCommandError(name, `did not answer within ${this.opts.commandTimeoutMs ?? 60_000} ms`, stderr, true));
            return;
          }
          resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 });
        },
      );
    });
  }

  async submit(args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
    const retries = this.opts.submitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.#run('sbatch', ['--parsable', ...args], opts);
        if (r.code !== 0) throw new SlurmCommandError('sbatch', r.stderr.trim() || `exit code ${r.code}`, r.stderr, TRANSIENT.test(r.stderr));
        return parseSbatchParsable(r.stdout);
      } catch (e) {
        if (!(e instanceof SlurmCommandError) || !e.transient || attempt >= retries) throw e;
        await new Promise((res) => setTimeout(res, 1000 * 2 ** attempt));
      }
    }
  }

  async queue(ids: readonly string[]): Promise<Map<string, SlurmJobInfo>> {
    if (ids.length === 0) return new Map();
    const r = await this.#run('squeue', ['--noheader', '--states=all', `--jobs=${ids.join(',')}`, `--format=${SQUEUE_FORMAT}`]);
    if (r.code !== 0) {
      if (isInvalidJobId(r.stderr)) return new Map();
      throw new SlurmCommandError('squeue', r.stderr.trim() || `exit code ${r.code}`, r.stderr, true);
    }
    return parseSqueue(r.stdout);
  }

  async show(id: string): Promise<SlurmJobInfo | undefined> {
    const r = await this.#run('scontrol', ['--oneliner', 'show', 'job', id]);
    if (r.code !== 0) {
      if (isInvalidJobId(r.stderr)) return undefined;
      throw new SlurmCommandError('scontrol', r.stderr.trim() || `exit code ${r.code}`, r.stderr, true);
    }
    return parseScontrolJob(r.stdout);
  }

  async accounting(id: string): Promise<SlurmJobInfo | undefined> {
    if (this.opts.sacct === false || this.#accountingDisabled) return undefined;
    let r: Run;
    try {
      r = await this.#run('sacct', ['--noheader', '--parsable2', '--allocations', `--jobs=${id}`, `--format=${SACCT_FIELDS.join(',')}`]);
    } catch (e) {
      if (this.opts.sacct === true) throw e;
      this.#accountingDisabled = true;
      return undefined;
    }
    if (r.code !== 0 || /accounting storage is disabled/i.test(r.stderr)) {
      if (/accounting storage is disabled/i.test(r.stderr) && this.opts.sacct !== true) this.#accountingDisabled = true;
      if (this.opts.sacct === true) throw new SlurmCommandError('sacct', r.stderr.trim() || `exit code ${r.code}`, r.stderr, true);
      return undefined;
    }
    return parseSacct(r.stdout, id);
  }

  async cancel(id: string): Promise<void> {
    const r = await this.#run('scancel', [id]);
    if (r.code !== 0 && !isInvalidJobId(r.stderr) && !/already completing or completed/i.test(r.stderr)) {
      throw new SlurmCommandError('scancel', r.stderr.trim() || `exit code ${r.code}`, r.stderr, true);
    }
  }
}
