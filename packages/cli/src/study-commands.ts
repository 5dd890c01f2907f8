import path from 'node:path';
import { openStudy, resumeStudy, runStudy, UsageError, type StudyEvent, type StudySummary } from '@lamdagent/core';
import { exportTable, replayOverrides } from '@lamdagent/science';
import { intOpt, parse } from './args.js';
import type { Io } from './cli.js';
import { describeAction, statusJson, topText } from './format.js';
import { jsonEventPrinter, jsonMessageLine, logFormat, type LogFormat } from './log-json.js';
import { noCompletedTrialSummary } from './run-outcome.js';

/** `lamdagent run CONFIG`: a new study, run until its budget is spent (progress on stderr, the top-3 on stdout). */
export async function runCommand(rest: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(rest, {
    out: { type: 'string', short: 'o' },
    iterations: { type: 'string', short: 'n' },
    seed: { type: 'string' },
    policy: { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
    cache: { type: 'string' },
    table: { type: 'string' },
    fill: { type: 'boolean' },
    'log-format': { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const config = positionals[0];
  if (!config || positionals.length > 1) throw new UsageError('usage: lamdagent run CONFIG [--out DIR] ...');
  const name = path.basename(config).replace(/\.(ya?ml|json)$/, '');
  const outDir = (values.out as string | undefined) ?? path.join('studies', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const overrides = {
    iterations: intOpt(values.iterations, 'iterations'),
    seed: intOpt(values.seed, 'seed'),
    policy: values.policy as string | undefined,
    concurrency: intOpt(values.concurrency, 'concurrency'),
  };
  const extra = {
    ...(values.cache ? { cache: path.resolve(io.cwd, values.cache as string) } : {}),
    ...(values['data-dir'] ? { dataDir: path.resolve(io.cwd, values['data-dir'] as string) } : {}),
    ...(values.table ? await replayOverrides(path.resolve(io.cwd, config), path.resolve(io.cwd, values.table as string), Boolean(values.fill)) : {}),
  };
  const format = logFormat(values['log-format']);
  const onEvent = format === 'json' ? jsonEventPrinter(io.err, io.env) : progressPrinter(io);
  const s = await runStudy({
    configPath: path.resolve(io.cwd, config),
    outDir: path.resolve(io.cwd, outDir),
    overrides: { ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)), ...extra },
    onEvent,
    env: io.env,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  // --table --fill: the actions the table missed ran for real; add them to it.
  if (values.table && values.fill) await exportTable({ dirs: [s.dir], out: path.resolve(io.cwd, values.table as string), testTop: 0 });
  printSummary(io, s, Boolean(values.json), 3);
  return finalCode(io, s, format);
}

/** `lamdagent resume DIR`: a stopped study continued (interrupted trials re-run, then the loop). */
export async function resumeCommand(rest: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(rest, { iterations: { type: 'string', short: 'n' }, json: { type: 'boolean' }, 'log-format': { type: 'string' } });
  if (positionals.length !== 1) throw new UsageError('usage: lamdagent resume DIR [--iterations N]');
  const format = logFormat(values['log-format']);
  const onEvent = format === 'json' ? jsonEventPrinter(io.err, io.env) : progressPrinter(io);
  const iterations = intOpt(values.iterations, 'iterations');
  const s = await resumeStudy({
    dir: path.resolve(io.cwd, positionals[0] as string),
    ...(iterations !== undefined ? { iterations } : {}),
    onEvent,
    env: io.env,
    ...(io.signal ? { signal: io.signal } : {}),
  });
  printSummary(io, s, Boolean(values.json), 3);
  return finalCode(io, s, format);
}

function progressPrinter(io: Io): (e: StudyEvent) => void {
  const t0 = new Map<number, number>();
  return (e) => {
    switch (e.type) {
      case 'start':
        io.err(
          `${e.resumed ? 'resuming' : 'starting'} study ${e.dir}: ${e.done}/${e.budget} trials done, ${e.poolSize} objects in the pool, ${e.actions} possible actions`,
        );
        break;
      case 'trial-start':
        t0.set(e.index, Date.now());
        io.err(`[${e.index + 1}/${e.budget}] ${describeAction(e)} ...`);
        break;
      case 'trial-end': {
        const t = e.trial;
        const s = ((Date.now() - (t0.get(t.index) ?? Date.now())) / 1000).toFixed(1);
        const what =
          t.state === 'failed'
            ? `failed: ${t.error?.type}: ${t.error?.message.split('\n')[0]}`
            : `${t.state} ${t.produced?.name ?? ''} reward ${t.reward?.toFixed(3)}${t.state === 'cached' ? ` (= trial ${t.cachedFrom})` : ''}`;
        io.err(
          `[${t.index + 1}] ${what}  ${s}s  best ${e.best?.reward?.toFixed(3) ?? '-'}${e.best ? ` (${e.best.produced?.name})` : ''}${t.policy?.fallback ? `  [policy fallback: ${t.policy.fallback}]` : ''}`,
        );
        break;
      }
      case 'stop':
        io.err(`stopped: ${e.reason}`);
        break;
      case 'notice':
        io.err(`note: ${e.message}`);
        break;
      default:
        break;
    }
  };
}

function printSummary(io: Io, s: StudySummary, json: boolean, k: number): void {
  if (json) io.out(JSON.stringify(statusJson(openStudy(s.dir), k), null, 2));
  else io.out(`\n${topText(s.trials, k)}\n\nstudy folder: ${s.dir}`);
}

/** 1 with a one-line summary of failures by cause when the budget ended with no completed trial, else 0. */
function finalCode(io: Io, s: StudySummary, format: LogFormat = 'text'): number {
  const say = (message: string, exitCode: number): number => {
    io.err(format === 'json' ? jsonMessageLine('summary', { message, exitCode, dir: s.dir }, io.env) : `lamdagent: ${message}`);
    return exitCode;
  };
  if (io.signal?.aborted) return say('interrupted; continue with `lamdagent resume ' + s.dir + '`', 130);
  const line = noCompletedTrialSummary(s.trials);
  return line ? say(line, 1) : 0;
}
