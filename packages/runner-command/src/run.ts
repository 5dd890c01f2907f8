import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type JobSpec, type RunnerContext, type RunOutcome } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { MetricsFileSchema, type CommandSpec } from './spec.js';
import { expandArgv, expandString, type TemplateContext } from './template.js';

/** The command exited with a code it should not have. */
export class CommandExitError extends Error {
  override name = 'ExitCode';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
/** The command was killed by a signal it did not get from us. */
export class CommandSignalError extends Error {
  override name = 'Signal';
}
/** The command could not be started (not found, not executable, bad working directory). */
export class CommandSpawnError extends Error {
  override name = 'SpawnError';
}
/** The command ended well but left no usable model folder or a malformed metrics file. */
export class BadResultError extends Error {
  override name = 'BadResult';
}

/** Output file of the command (stdout and stderr, raw) in the job folder. */
export const COMMAND_LOG = 'command.log';

/** `lamdagent:progress 0.42 [message]` on a line of the command's output reports progress. */
const PROGRESS = /^lamdagent:progress\s+([0-9]*\.?[0-9]+)(?:\s+(.*))?$/;

export interface RunCommandOptions {
  /** Environment of the runner process (the command inherits it, plus the command's `env`). */
  env?: Readonly<Record<string, string | undefined>>;
  vars?: Readonly<Record<string, string>>;
}

/** Process groups of running commands: killed if the runner process exits while they run. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const g of liveGroups) {
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** Keep the last `max` characters of what was written (for error messages). */
class Tail {
  #text = '';
  constructor(private readonly max: number) {}
  push(s: string): void {
    this.#text = (this.#text + s).slice(-this.max);
  }
  lines(n: number): string {
    return this.#text
      .split(/\r?\n/)
      .map((l) => l.split('\r').at(-1) ?? '')
      .filter((l) => l.trim() !== '')
      .slice(-n)
      .join('\n');
  }
}

/**
 * Run a command for a job: expand the argv template, spawn it without a shell in its own process
 * group, capture stdout and stderr into `command.log` (and the job's log, line by line), stop it on
 * cancellation, classify its exit, check the produced model folder and read `metrics.json`.
 */
export async function runCommand(spec: JobSpec, cmd: CommandSpec, ctx: RunnerContext, opts: RunCommandOptions = {}): Promise<RunOutcome> {
  const env = opts.env ?? process.env;
  const tctx: TemplateContext = { spec, env, ...(opts.vars ? { vars: opts.vars } : {}) };
  const argv = expandArgv(cmd.argv, tctx);
  const shown = expandArgv(cmd.argv, tctx, true);
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  for (const [k, v] of Object.entries(cmd.env)) childEnv[k] = expandString(v, tctx, `command.env.${k}`);
  const cwd = cmd.cwd !== undefined ? path.resolve(spec.jobDir, expandString(cmd.cwd, tctx, 'command.cwd')) : spec.jobDir;

  mkdirSync(spec.jobDir, { recursive: true });
  mkdirSync(spec.outputDir, { recursive: true });
  const specFile = path.join(spec.jobDir, 'spec.json');
  if (!existsSync(specFile)) writeFileAtomic(specFile, JSON.stringify(spec, null, 2), { durable: false });
  if (!existsSync(cwd)) throw new CommandSpawnError(`working directory ${cwd} does not exist`);

  const logFile = path.join(spec.jobDir, COMMAND_LOG);
  ctx.log(`command: ${JSON.stringify(shown)} (cwd ${cwd}; output in ${logFile})`);
  const out = createWriteStream(logFile, { flags: 'a' });
  const tail = new Tail(8000);
  const started = performance.now();

  const code = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0]!, argv.slice(1), { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true, shell: false });
    } catch (e) {
      reject(new CommandSpawnError(`cannot start ${argv[0]}: ${(e as Error).message}`));
      return;
    }
    let killTimer: NodeJS.Timeout | undefined;
    const killGroup = (sig: NodeJS.Signals, evenAfterExit = false): void => {
      if (child.pid === undefined || (!evenAfterExit && (child.exitCode !== null || child.signalCode !== null))) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          /* already gone */
        }
      }
    };
    const onAbort = (): void => {
      ctx.log(`stopping the command (SIGTERM, SIGKILL after ${cmd.killGraceSec} s)`);
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), cmd.killGraceSec * 1000);
      killTimer.unref();
    };
    if (child.pid !== undefined) trackGroup(child.pid);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let pending = { stdout: '', stderr: '' };
    const onData =
      (stream: 'stdout' | 'stderr') =>
      (chunk: Buffer): void => {
        out.write(chunk);
        const text = chunk.toString('utf8');
        tail.push(text);
        const all = pending[stream] + text;
        const lines = all.split('\n');
        pending = { ...pending, [stream]: lines.pop() ?? '' };
        for (const raw of lines) {
          const line = raw.split('\r').at(-1)!.trimEnd();
          const p = PROGRESS.exec(line);
          if (p) ctx.progress({ fraction: Math.min(1, Number(p[1])), ...(p[2] ? { message: p[2] } : {}) });
          else if (line) ctx.log(line);
        }
      };
    child.stdout!.on('data', onData('stdout'));
    child.stderr!.on('data', onData('stderr'));
    child.once('error', (e: NodeJS.ErrnoException) => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      ctx.signal.removeEventListener('abort', onAbort);
      reject(
        new CommandSpawnError(
          e.code === 'ENOENT' ? `${argv[0]}: not found (command[0]; is it installed and on PATH?)` : `cannot start ${argv[0]}: ${e.message}`,
        ),
      );
    });
    // 'close' waits for the output pipes; a leftover process of the group holding them (a logger
    // daemon) must not keep the job alive: after the command itself exits, give it 3 s, then kill it.
    let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let done = false;
    const finish = (r: { code: number | null; signal: NodeJS.Signals | null }): void => {
      if (done) return;
      done = true;
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      ctx.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      for (const rest of [pending.stdout, pending.stderr]) if (rest.trim()) ctx.log(rest.split('\r').at(-1)!.trimEnd());
      resolve(r);
    };
    child.once('exit', (c, s) => {
      exited = { code: c, signal: s };
      setTimeout(() => {
        if (done) return;
        ctx.log('the command exited but processes it started still hold its output: killing them');
        killGroup('SIGKILL', true);
        finish(exited!);
      }, 3000).unref();
    });
    child.once('close', (c, s) => finish(exited ?? { code: c, signal: s }));
  }).finally(() => new Promise<void>((r) => out.end(r)));

  const secs = Math.round((performance.now() - started) / 100) / 10;
  const program = programLabel(argv);
  if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('cancelled');
  const lastLines = tail.lines(15);
  if (code.signal)
    throw new CommandSignalError(
      `${program} was killed by ${code.signal} after ${secs} s${code.signal === 'SIGKILL' ? ' (out of memory?)' : ''}${lastLines ? `; last output:\n${lastLines}` : ''}`,
    );
  if (!cmd.successExitCodes.includes(code.code ?? -1)) {
    throw new CommandExitError(`${program} exited with code ${code.code} after ${secs} s${lastLines ? `; last output:\n${lastLines}` : ''}`, code.code ?? -1);
  }
  ctx.log(`${program} exited with code ${code.code} after ${secs} s`);
  const metrics = readMetrics(spec, cmd);
  checkModelFolder(spec, cmd);
  return { metrics: { ...metrics, commandSec: (performance.now() - started) / 1000 } };
}

/** How a command is named in messages: the program, and the script when the program is an interpreter or launcher. */
export function programLabel(argv: readonly string[]): string {
  const first = path.basename(argv[0] ?? '');
  const second = argv[1];
  if (/^(node|python[\d.]*|bash|sh|Rscript|ruby|perl|torchrun|accelerate|deepspeed|uv|conda)$/.test(first) && second && !second.startsWith('-'))
    return `${first} ${path.basename(second)}`;
  return first;
}

/** The metrics file the command wrote (optional), validated: a JSON object of finite numbers. */
export function readMetrics(spec: JobSpec, cmd: Pick<CommandSpec, 'metricsFile'>): Record<string, number> {
  const file = path.resolve(spec.outputDir, cmd.metricsFile);
  if (!existsSync(file)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new BadResultError(`${file}: not JSON (${(e as Error).message})`);
  }
  const res = MetricsFileSchema.safeParse(raw);
  if (!res.success)
    throw new BadResultError(
      `${file}: ${res.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')} (metrics are a flat object of numbers)`,
    );
  return res.data;
}

/** The produced model folder exists, is not empty (besides the metrics file) and holds the expected files. */
export function checkModelFolder(spec: JobSpec, cmd: Pick<CommandSpec, 'metricsFile' | 'expectFiles'>): void {
  const dir = spec.outputDir;
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BadResultError(`the command produced no model folder at ${dir}`);
  const metrics = path.resolve(dir, cmd.metricsFile);
  const entries = readdirSync(dir).filter((e) => path.join(dir, e) !== metrics);
  if (entries.length === 0) throw new BadResultError(`the command left the model folder ${dir} empty`);
  const missing = cmd.expectFiles.filter((f) => !existsSync(path.resolve(dir, f)));
  if (missing.length) throw new BadResultError(`the model folder ${dir} lacks ${missing.join(', ')} (expectFiles)`);
}
