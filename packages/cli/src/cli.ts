import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  preflightStudy,
  buildRegistry,
  loadConfig,
  withDataDir,
  openStudy,
  registerBuiltins,
  Registry,
  loadPlugins,
  resumeStudy,
  runStudy,
  StudyLock,
  studyConfigJsonSchema,
  UsageError,
  type StudyEvent,
  type StudySummary,
} from '@lamdagent/core';
import { serveDashboard, writeReport } from '@lamdagent/dashboard';
import { costsJson, costsText } from './costs.js';
import { describeAction, statusJson, statusText, topJson, topText, trialJson } from './format.js';
import { exportTable, replayOverrides } from '@lamdagent/science';
import { SCIENCE_HELP, SCIENCE_USAGE, scienceCommand } from './science-commands.js';
import { topIntervals, topNoiseText } from './top-noise.js';
import { MERGE_HELP, mergeCommand } from './merge-command.js';
import { failureJson, noCompletedTrialSummary } from './run-outcome.js';
import { readStudyJson } from './study-files.js';
import { LOG_FORMAT_HELP, jsonEventPrinter, jsonMessageLine, logFormat, type LogFormat } from './log-json.js';
import { EXPORT_HELP, exportCommand } from './export-command.js';
import { INIT_HELP, initCommand } from './init-command.js';
import { terminalAsk } from './init-ask.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: `run` and `resume` stop cleanly (running trials cancelled, journaled). */
  signal?: AbortSignal;
}

const HELP = `lamdagent: search post-training pipelines (SFT, merging, preference learning) with an agent

Usage:
  lamdagent run CONFIG [--out DIR] [--iterations N] [--seed S] [--policy NAME] [--concurrency K] [--json] [--log-format json]
  lamdagent resume DIR [--iterations N] [--json] [--log-format json]
  lamdagent status DIR [--json]
  lamdagent top DIR [-k K] [--json]
  lamdagent show DIR TRIAL [--json]
  lamdagent costs DIR [--json]
  lamdagent dashboard DIR... [--port P] [--host H]
  lamdagent report DIR... -o report.html
  lamdagent validate CONFIG [--json]
  lamdagent plugins [--config CONFIG] [--json]
  lamdagent schema                      print the JSON Schema of the config format
${SCIENCE_USAGE}
  lamdagent merge CONFIG OUT_DIR [--dry-run]   merge models as a mergekit YAML config says
  lamdagent export DIR --format optuna-journal -o FILE   a study as Optuna's journal (optuna-dashboard FILE)
  lamdagent init [DIR]                  write a commented study config from the models, datasets and tasks in DIR

A study runs the loop: the policy picks an action (an action type plus one object per slot) from
everything the object pool allows, an executor runs it, evaluators score the produced model on the
validation split of every task, the aggregator folds the scores into a reward, the policy learns
from it, and the model joins the pool. The study folder holds an append-only journal: kill it at
any time and \`lamdagent resume DIR\` continues.

Examples:
  lamdagent validate examples/quickstart/study.yaml
  lamdagent run examples/quickstart/study.yaml --out studies/qs --iterations 20
  lamdagent top studies/qs -k 3 --json | jq '.[0].pipeline'

Exit codes: 0 success, 2 bad input (config, paths, plugins, usage), 1 a failure while running.
Every read command accepts --json (a stable shape, documented in packages/cli/README.md).`;

const COMMAND_HELP: Record<string, string> = {
  run: `lamdagent run CONFIG [options]
  Start a study from CONFIG (YAML or JSON; the paper's Figure 11 JSON is accepted as it is).
  --out DIR          study folder (default: studies/<config name>-<time>); must be new or empty
  --iterations N     trial budget (overrides budget.iterations)
  --seed S           seed (overrides seed)
  --policy NAME      policy (overrides policy), e.g. random, random-type, llm
  --concurrency K    trials at once (overrides concurrency)
  --cache DIR        shared action cache (overrides cache:): actions any study sharing it ran are reused
  --table FILE       replay a tabular benchmark (lamdagent bench export); --fill runs misses for real
  --data-dir DIR     evaluation data folder: DIR/<task>/validation.* and DIR/<task>/test.* (as the paper format's eval_data)
  --json             print the final status as JSON instead of tables
${LOG_FORMAT_HELP}
  Progress goes to stderr: trial n of N, the action, its reward and the best so far.`,
  resume: `lamdagent resume DIR [--iterations N] [--json] [--log-format json]
  Continue a study: trials a crash interrupted are re-run, then the loop goes on until the budget
  (raised with --iterations N, the new total) is spent.`,
  status: `lamdagent status DIR [--json]\n  Every trial: state, action, produced model, per-task scores, reward, error.`,
  top: `lamdagent top DIR [-k K] [--json]\n  The K best models by validation reward, each with the pipeline (chain of trials) that made it.`,
  show: `lamdagent show DIR TRIAL [--json]\n  One trial in full: action, inputs, artifact, scores, timings, error with log excerpt, and the\n  policy's prompts and replies (secrets redacted).`,
  costs: `lamdagent costs DIR [--json]\n  Agent tokens and cost per step (type, objects, memory) and compute time per action type.`,
  dashboard: `lamdagent dashboard DIR... [--port P] [--host H] [-k K]
  Serve the dashboard for one or more studies (history, pipelines, leaderboard, trial detail, costs),
  updating live while they run. Binds 127.0.0.1:4747 by default; --port 0 picks a free port. Read-only:
  it never locks or writes a study folder. Stop with Ctrl-C.`,
  report: `lamdagent report DIR... -o report.html [-k K]\n  Write the dashboard's views as one self-contained HTML file (no network needed to view it).`,
  validate: `lamdagent validate CONFIG [--data-dir DIR] [--json]\n  Check a config against the schema and the installed plugins without running anything (with a data folder: its files exist and their first records parse).`,
  plugins: `lamdagent plugins [--config CONFIG] [--json]\n  The plugins found (listed in CONFIG's plugins: and installed in the project) and what each provides.`,
  schema: `lamdagent schema\n  Print the JSON Schema of the native config format (for editor completion).`,
  merge: MERGE_HELP,
  export: EXPORT_HELP,
  init: INIT_HELP,
};

type ArgOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** `--iterations -1` as `--iterations=-1`: a negative number after an option that takes a value is its value (then checked), not an option. */
export function joinNegativeValues(argv: readonly string[], options: ArgOptions): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(a.startsWith('--') ? `${a}=${next}` : `${a}${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function parse(argv: string[], options: ArgOptions): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nSee lamdagent --help.`);
  }
}

function intOpt(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} expects an integer, got ${String(v)}`);
  return n;
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

/** Run the CLI; returns the exit code. With `--json`, a failure also prints a JSON document on stdout. */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    return await command(argv, io);
  } catch (e) {
    if (argv.slice(1).includes('--json')) io.out(JSON.stringify({ ...(argv[0] === 'validate' ? { valid: false } : {}), ...failureJson(e) }, null, 2));
    throw e;
  }
}

async function command(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(HELP);
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    const pj = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    io.out(pj.version);
    return 0;
  }
  if (cmd in SCIENCE_HELP) return rest.includes('--help') || rest.includes('-h') ? (io.out(SCIENCE_HELP[cmd]!), 0) : scienceCommand(cmd, rest, io);
  if (!(cmd in COMMAND_HELP)) throw new UsageError(`unknown command "${cmd}"; see lamdagent --help`);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(COMMAND_HELP[cmd] as string);
    return 0;
  }
  switch (cmd) {
    case 'run': {
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
    case 'resume': {
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
    case 'status': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      if (positionals.length !== 1) throw new UsageError('usage: lamdagent status DIR [--json]');
      const dir = path.resolve(io.cwd, positionals[0] as string);
      const owner = StudyLock.owner(dir); // before the journal: a study that ends meanwhile is not "interrupted"
      const view = openStudy(dir);
      io.out(values.json ? JSON.stringify(statusJson(view, 3, owner), null, 2) : statusText(view, owner));
      return 0;
    }
    case 'top': {
      const { values, positionals } = parse(rest, { k: { type: 'string', short: 'k' }, json: { type: 'boolean' } });
      if (positionals.length !== 1) throw new UsageError('usage: lamdagent top DIR [-k K] [--json]');
      const k = intOpt(values.k, 'k') ?? 3;
      if (k < 1) throw new UsageError(`-k expects a positive integer (how many models to list), got ${k}`);
      const view = openStudy(path.resolve(io.cwd, positionals[0] as string));
      // 95% intervals from the per-item results (issue 12).
      const ivs = topIntervals(view, k);
      io.out(
        values.json
          ? JSON.stringify(
              topJson(view.trials, k).map((e, i) => (ivs[i] ? { ...e, validationInterval: ivs[i] } : e)),
              null,
              2,
            )
          : `${topText(view.trials, k)}${topNoiseText(view, k)}`,
      );
      return 0;
    }
    case 'show': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      if (positionals.length !== 2) throw new UsageError('usage: lamdagent show DIR TRIAL [--json]');
      const view = openStudy(path.resolve(io.cwd, positionals[0] as string));
      const idx = intOpt(positionals[1], 'TRIAL') as number;
      const t = view.journal.trials.get(idx);
      const r = view.journal.running.get(idx);
      if (!t && !r) throw new UsageError(`study ${view.dir} has no trial ${idx}`);
      const readT = (rel?: string): unknown => readStudyJson(view.dir, rel);
      const observe = view.journal.observes.find((o) => o.index === idx);
      const doc = {
        ...(t ? trialJson(t) : { index: idx, state: 'running', action: r?.action.name }),
        params: (t ?? r)?.action.params ?? {},
        artifact: t?.produced?.path ?? null,
        durations: t?.durations ?? {},
        metrics: t?.metrics ?? {},
        logExcerpt: t?.error?.logExcerpt ?? null,
        usage: [...(t?.policy?.usage ?? []), ...(observe?.usage ?? [])],
        memory: observe?.state ?? null,
        transcript: { select: readT(t?.policy?.transcript ?? r?.policy?.transcript), observe: readT(observe?.transcript) },
      };
      if (values.json) io.out(JSON.stringify(doc, null, 2));
      else {
        const lines = [
          `trial ${idx}: ${doc.state}  ${t ? describeAction(t) : ''}`,
          `artifact: ${doc.artifact ?? '-'}`,
          `scores: ${JSON.stringify(t?.scores ?? {})}  reward: ${t?.reward ?? '-'}`,
          `durations (s): ${JSON.stringify(doc.durations)}`,
        ];
        if (t?.error) lines.push(`error: ${t.error.type}: ${t.error.message}`, ...(t.error.logExcerpt ? ['log excerpt:', t.error.logExcerpt] : []));
        if (doc.usage.length)
          lines.push(`agent usage: ${doc.usage.map((u) => `${u.step} ${u.inputTokens} in / ${u.outputTokens} out ($${u.costUsd.toFixed(4)})`).join('; ')}`);
        for (const [step, entries] of Object.entries(doc.transcript)) {
          if (Array.isArray(entries))
            for (const m of entries as { step: string; role: string; content: string }[]) lines.push(`--- ${step} ${m.step} ${m.role} ---`, m.content);
        }
        if (doc.memory !== null) lines.push('--- memory after the trial ---', typeof doc.memory === 'string' ? doc.memory : JSON.stringify(doc.memory));
        io.out(lines.join('\n'));
      }
      return 0;
    }
    case 'costs': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } });
      if (positionals.length !== 1) throw new UsageError('usage: lamdagent costs DIR [--json]');
      const c = costsJson(openStudy(path.resolve(io.cwd, positionals[0] as string)));
      io.out(values.json ? JSON.stringify(c, null, 2) : costsText(c));
      return 0;
    }
    case 'dashboard': {
      const { values, positionals } = parse(rest, { port: { type: 'string', short: 'p' }, host: { type: 'string' }, k: { type: 'string', short: 'k' } });
      if (positionals.length === 0) throw new UsageError('usage: lamdagent dashboard DIR... [--port P]');
      const dirs = positionals.map((d) => openStudy(path.resolve(io.cwd, d)).dir);
      const port = intOpt(values.port, 'port');
      const k = intOpt(values.k, 'k');
      const server = await serveDashboard(dirs, {
        ...(port !== undefined ? { port } : {}),
        ...(values.host ? { host: values.host as string } : {}),
        ...(k !== undefined ? { k } : {}),
      });
      io.out(`dashboard for ${dirs.length} ${dirs.length === 1 ? 'study' : 'studies'}: ${server.url}  (Ctrl-C to stop)`);
      await new Promise<void>((resolve) => {
        const stop = (): void => void server.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      return 0;
    }
    case 'report': {
      const { values, positionals } = parse(rest, { out: { type: 'string', short: 'o' }, k: { type: 'string', short: 'k' } });
      if (positionals.length === 0 || !values.out) throw new UsageError('usage: lamdagent report DIR... -o report.html');
      const dirs = positionals.map((d) => openStudy(path.resolve(io.cwd, d)).dir);
      const k = intOpt(values.k, 'k');
      const out = path.resolve(io.cwd, values.out as string);
      await writeReport(dirs, out, k !== undefined ? { k } : {});
      io.out(`wrote ${out}`);
      return 0;
    }
    case 'validate': {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' }, 'data-dir': { type: 'string' } });
      if (positionals.length !== 1) throw new UsageError('usage: lamdagent validate CONFIG [--data-dir DIR]');
      const read = loadConfig(path.resolve(io.cwd, positionals[0] as string));
      const loaded = values['data-dir'] ? { ...read, config: withDataDir(read.config, path.resolve(io.cwd, values['data-dir'] as string)) } : read;
      const { registry, plugins } = await buildRegistry(loaded);
      const a = preflightStudy(loaded, registry, io.env);
      const summary = {
        valid: true,
        file: loaded.file,
        format: loaded.format,
        warnings: loaded.warnings,
        plugins: plugins.map((p) => p.name),
        objects: Object.fromEntries([...a.kindTypes].map(([k, t]) => [k, { type: t, count: a.objects.filter((o) => o.kind === k).length }])),
        actions: a.bindings.map((b) => ({ name: b.name, type: b.definition.type, slots: b.kinds, unordered: b.unordered })),
        tasks: a.tasks.map((t) => ({ name: t.name, evaluator: t.evaluator, metric: t.metric, alpha: t.alpha })),
        policy: a.policy.name,
        executor: a.executor.name,
        aggregation: a.aggregation.name,
      };
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else {
        io.out(`${loaded.file}: valid (${loaded.format} format)`);
        for (const w of loaded.warnings) io.out(`  warning: ${w}`);
        io.out(`  actions: ${summary.actions.map((x) => `${x.name}[${x.slots.join(', ')}]`).join('; ')}`);
        io.out(`  tasks: ${summary.tasks.map((x) => `${x.name} (${x.metric}, alpha ${x.alpha})`).join(', ')}`);
        io.out(`  policy ${summary.policy}, executor ${summary.executor}, aggregation ${summary.aggregation}`);
      }
      return 0;
    }
    case 'plugins': {
      const { values } = parse(rest, { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } });
      const registry = new Registry();
      await registerBuiltins(registry);
      let configured: string[] = [];
      let fromDir = io.cwd;
      // Without --config: everything installed. With it: exactly what that config loads (its discoverPlugins too).
      let discover = true;
      if (values.config) {
        const loaded = loadConfig(path.resolve(io.cwd, values.config as string));
        configured = loaded.config.plugins;
        fromDir = loaded.dir;
        discover = loaded.config.discoverPlugins;
      }
      const plugins = await loadPlugins(registry, { configured, fromDir, discover });
      const all = [{ name: '@lamdagent/core', version: '(built in)', source: 'builtin', from: 'core', provides: {} }, ...plugins];
      const entries = registry.entries();
      if (values.json)
        io.out(
          JSON.stringify(
            all.map((p) => ({
              name: p.name,
              version: p.version,
              source: p.source,
              from: p.from,
              provides: entries.filter((e) => e.plugin === p.name).map((e) => ({ kind: e.kind, name: e.name })),
            })),
            null,
            2,
          ),
        );
      else
        for (const p of all)
          io.out(
            `${p.name} ${p.version}  [${p.source}] ${p.from}\n${entries
              .filter((e) => e.plugin === p.name)
              .map((e) => `    ${e.kind} ${e.name}${e.description ? `: ${e.description}` : ''}`)
              .join('\n')}`,
          );
      return 0;
    }
    case 'export':
      return exportCommand(rest, io);
    case 'init':
      return initCommand(rest, { ...io, ...terminalAsk() });
    case 'merge':
      return mergeCommand(rest, { ...io, tty: process.stderr.isTTY === true });
    case 'schema':
      io.out(JSON.stringify(studyConfigJsonSchema(), null, 2));
      return 0;
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}
