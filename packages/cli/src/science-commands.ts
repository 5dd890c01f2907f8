import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, UsageError } from '@lamdagent/core';
import {
  compare,
  compareJson,
  exportTable,
  parsePolicies,
  replayPipelines,
  replayText,
  table1,
  table1Text,
  computeBaselines,
  type Arm,
} from '@lamdagent/science';
import type { Io } from './cli.js';

/** Usage lines added to `lamdagent --help`. */
export const SCIENCE_USAGE = `  lamdagent compare CONFIG --policies P1,P2,... --seeds N --iterations T [--out DIR] [--json]
  lamdagent ablate CONFIG --without ACTION[,ACTION] [--without ...] --seeds N --iterations T [--out DIR] [--json]
  lamdagent bench export DIR... -o table.json [--test-top K]
  lamdagent table DIR... [-k K] [--evaluate [--test-tasks FILE]] [--json]
  lamdagent baselines CONFIG --seeds N [--out DIR] [--action NAME] [--fft-epochs E,...] [--match-study DIR]
                     [--test-tasks FILE] [--merge-weights W,...] [--json]
  lamdagent replay DIR --top K [--data-scale 2,4] [--base-model PATH] [--out DIR] [--json]`;

const COMMON = `  --seeds N          seeds per arm: the config's seed, seed + 1, ... (N >= 1)
  --iterations T     trials per study (the equal budget)
  --out DIR          comparison folder (default: comparisons/<config>-<what>); re-running the same command
                     there continues the studies that stopped
  --cache DIR        shared action cache (default: the config's cache:, else DIR/cache)
  --table FILE       replay a tabular benchmark (lamdagent bench export) instead of running actions;
                     an action not in the table fails as a counted miss
  --fill             with --table: run missing actions for real and add them to the table
  --parallel K       studies at once (default: the config's concurrency)
  --plugin MODULE    load a plugin in every study besides the config's (repeatable): the package of a
                     policy the config does not list, e.g. --plugin @lamdagent/policy-llm for llm
  -k K               top-k models scored on the test split per study (default 3)
  --baselines DIR    baselines (lamdagent baselines --out DIR): count the seeds whose top-1 beats each on test
  --json             print per arm the per-seed best validation reward at each iteration and the
                     per-seed test score of the top-1 (the statistics are recomputable from it)
  Writes DIR/results.json (the --json shape), DIR/figure.svg and DIR/figure.html (self-contained).
  Paired test: Wilcoxon signed-rank, two-sided, exact null distribution, pairs by seed, against the
  \`random\` arm (else the first arm); intervals are 95% Student-t over seeds.`;

export const SCIENCE_HELP: Record<string, string> = {
  baselines: `lamdagent baselines CONFIG --seeds N [--out DIR] [--action NAME] [--fft-epochs E1,E2,...] [--match-study DIR]
                     [--test-tasks FILE] [--merge-weights W1,W2,...] [--json]
  The paper's comparison points for any config, through its own executor and evaluators: each initial
  model as it is (base, specialists), a merge grid search (the merge action's model pairs x weights in
  {0.3,0.5,0.7}^m, best by validation) and Fully Fine-Tuned (the SFT action, --action NAME or the first
  action with one model slot and a dataset slot, on the base with the union of its datasets, each
  distinct line once) over N training seeds (mean; sd in baselines-detail.json). Writes
  DIR/baselines.json (default DIR: baselines/<config>), which \`lamdagent table DIR STUDY...\` shows;
  re-running reuses finished seeds.
  --fft-epochs E,...  also Fully Fine-Tuned at each of these epochs (the action's epochs param), labelled
                      "Fully Fine-Tuned (E epochs, N seeds)"
  --match-study DIR   also a compute-matched Fully Fine-Tuned: as many examples on the union as the SFT
                      steps of DIR's top-1 pipeline trained on (its chain in the journal: each step's
                      dataset lines x its epochs), as epochs; labelled "compute-matched to DIR top-1"
  --test-tasks FILE   also score every row on these tasks, test split only (as table --test-tasks)
  --merge-weights W,...  weights tried per merged model in the grid (default 0.3,0.5,0.7)
  Scores are kept in DIR/scores.json by model content, split and tasks: a re-run scores nothing twice.`,
  table: `lamdagent table DIR... [-k K] [--evaluate [--test-tasks FILE]] [--json]
  The paper's Table 1 for any studies: their baselines (baselines.json in a study folder, as the quickstart
  writes it) and each study's top-K by validation reward, with the test score per task (in- and
  out-of-distribution columns), the test average and the validation average. --evaluate scores top
  models that have no test scores yet on the test split with the study's own evaluators and appends
  them to its journal; --test-tasks FILE (a list of tasks in the config's tasks: format, paths relative
  to FILE) scores those too, on the test split only: out-of-distribution columns that cost the study
  nothing per trial.`,
  replay: `lamdagent replay DIR --top K [--data-scale K1,K2,...] [--base-model PATH] [--out OUT] [--json]
  Re-execute the study's top-K pipelines, whole chains from their initial models, through the study's own
  executor: with every dataset file replaced by its larger variant for each --data-scale k (scale 1
  re-runs the original data): the one its object list declares (scales: {k: [path per value]}, null
  for none), else x.<k>x.jsonl beside x.jsonl (the naming convention; a missing one is exit 2), or from another base model (--base-model replaces
  the model object named "base"). Prints each pipeline's validation reward and rank per variant and
  Kendall's tau-b against the study's ranking (paper Figure 7, Table 3). A study whose initial files
  changed since it ran is refused (content digest mismatch, naming the file). OUT defaults to DIR-replay.`,
  compare: `lamdagent compare CONFIG --policies P1,P2,... --seeds N --iterations T [options]
  Run one study per policy and seed at an equal budget, all sharing one action cache, then print per
  policy the best-so-far validation reward (mean ± sd, 95% interval over seeds), the top-1's test-split
  score, and a paired test against random.
  --policies LIST    comma-separated policy names; NAME:options.json gives a policy options (the
                     options object, or {"name", "options"}; relative paths in it resolve from its
                     folder; the arm is labelled NAME-<file name>); @FILE reads one policy per line.
                     Agent LLMs: --policies random,llm:gemma.json,llm:qwen.json --plugin @lamdagent/policy-llm
${COMMON}`,
  ablate: `lamdagent ablate CONFIG --without ACTION[,ACTION] [--without ...] --seeds N --iterations T [options]
  The paper's Table 2: the full action space beside each ablation (the named config actions removed from
  the space itself, not hidden from the policy), same policy, seeds and budget.
  --policy NAME      policy of every arm (default: the config's)
${COMMON}`,
  bench: `lamdagent bench export DIR... -o table.json [--test-top K]
  Collect every action the studies executed (action key and its chain -> per-task validation and test
  scores, seconds, cost) into a tabular benchmark; merges into an existing table of the same world.
  Studies of different worlds are refused. --test-top K scores the top K models of each study on the
  test split when the journal has no test scores yet (default 3; 0 skips).`,
};

function parse(argv: string[], options: NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nSee lamdagent --help.`);
  }
}

function intArg(v: unknown, name: string, fallback?: number): number {
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new UsageError(`--${name} is required`);
  }
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} expects an integer, got ${String(v)}`);
  return n;
}

const COMPARE_OPTS = {
  seeds: { type: 'string' },
  iterations: { type: 'string', short: 'n' },
  out: { type: 'string', short: 'o' },
  cache: { type: 'string' },
  table: { type: 'string' },
  fill: { type: 'boolean' },
  parallel: { type: 'string' },
  k: { type: 'string', short: 'k' },
  json: { type: 'boolean' },
  baselines: { type: 'string' },
  plugin: { type: 'string', multiple: true },
} as const;

/** `--plugin` values: package names as given (resolved from the config's folder), paths made absolute from the working folder. */
function pluginArgs(values: string[], cwd: string): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => (v.startsWith('.') || path.isAbsolute(v) ? path.resolve(cwd, v) : v));
}

async function runArms(io: Io, config: string, arms: Arm[], values: Record<string, unknown>, what: string): Promise<number> {
  const configPath = path.resolve(io.cwd, config);
  if (!existsSync(configPath)) throw new UsageError(`${configPath}: config file not found`);
  const name = path.basename(config).replace(/\.(ya?ml|json)$/, '');
  const outDir = path.resolve(io.cwd, (values['out'] as string | undefined) ?? path.join('comparisons', `${name}-${what}`));
  const r = await compare({
    configPath,
    arms,
    seeds: intArg(values['seeds'], 'seeds'),
    iterations: intArg(values['iterations'], 'iterations'),
    outDir,
    ...(values['cache'] ? { cache: path.resolve(io.cwd, values['cache'] as string) } : {}),
    ...(values['table'] ? { table: path.resolve(io.cwd, values['table'] as string) } : {}),
    ...(values['fill'] ? { fill: true } : {}),
    ...(values['parallel'] !== undefined ? { parallel: intArg(values['parallel'], 'parallel') } : {}),
    ...(values['k'] !== undefined ? { topK: intArg(values['k'], 'k') } : {}),
    ...(values['baselines'] ? { baselines: path.resolve(io.cwd, values['baselines'] as string) } : {}),
    ...(values['plugin'] ? { plugins: pluginArgs(values['plugin'] as string[], io.cwd) } : {}),
    log: (l) => io.err(l),
    env: io.env,
  });
  if (values['json']) io.out(JSON.stringify(compareJson(r.report), null, 2));
  else io.out(`${r.text}\n\nwrote ${r.files.results}, ${r.files.svg}, ${r.files.html}`);
  return 0;
}

/** `compare`, `ablate`, `bench export`. */
export async function scienceCommand(cmd: string, rest: string[], io: Io): Promise<number> {
  switch (cmd) {
    case 'compare': {
      const { values, positionals } = parse(rest, { ...COMPARE_OPTS, policies: { type: 'string' } });
      if (positionals.length !== 1 || !values.policies) throw new UsageError('usage: lamdagent compare CONFIG --policies P1,P2,... --seeds N --iterations T');
      const arms = parsePolicies(values.policies as string, io.cwd).map((p) => ({ label: p.label, policy: p }));
      return runArms(io, positionals[0]!, arms, values, 'compare');
    }
    case 'ablate': {
      const { values, positionals } = parse(rest, { ...COMPARE_OPTS, without: { type: 'string', multiple: true }, policy: { type: 'string' } });
      const without = (values.without as string[] | undefined) ?? [];
      if (positionals.length !== 1 || without.length === 0)
        throw new UsageError('usage: lamdagent ablate CONFIG --without ACTION [--without ...] --seeds N --iterations T');
      const cfg = loadConfig(path.resolve(io.cwd, positionals[0]!)).config;
      const policyName = (values.policy as string | undefined) ?? (typeof cfg.policy === 'string' ? cfg.policy : cfg.policy.name);
      const policy = { label: policyName, name: policyName, options: typeof cfg.policy === 'string' || values.policy ? {} : cfg.policy.options };
      const arms: Arm[] = [
        { label: 'full', policy },
        ...without.map((w) => ({
          label: `without-${w.split(',').join('+')}`,
          policy,
          without: w
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        })),
      ];
      return runArms(io, positionals[0]!, arms, values, 'ablate');
    }
    case 'replay': {
      const { values, positionals } = parse(rest, {
        top: { type: 'string', short: 'k' },
        'data-scale': { type: 'string' },
        'base-model': { type: 'string' },
        out: { type: 'string', short: 'o' },
        json: { type: 'boolean' },
      });
      if (positionals.length !== 1) throw new UsageError('usage: lamdagent replay DIR --top K [--data-scale 2,4] [--base-model PATH]');
      const dir = path.resolve(io.cwd, positionals[0]!);
      const scales =
        values['data-scale'] === undefined
          ? undefined
          : (values['data-scale'] as string).split(',').map((x) => {
              const k = Number(x);
              if (!Number.isInteger(k) || k < 1) throw new UsageError(`--data-scale expects positive integers, got ${x}`);
              return k;
            });
      const r = await replayPipelines({
        dir,
        top: intArg(values.top, 'top', 3),
        ...(scales ? { scales } : {}),
        ...(values['base-model'] ? { baseModel: path.resolve(io.cwd, values['base-model'] as string) } : {}),
        outDir: path.resolve(io.cwd, (values.out as string | undefined) ?? `${dir}-replay`),
        log: (l) => io.err(l),
      });
      io.out(values.json ? JSON.stringify(r, null, 2) : replayText(r));
      return 0;
    }
    case 'table': {
      const { values, positionals } = parse(rest, {
        k: { type: 'string', short: 'k' },
        evaluate: { type: 'boolean' },
        'test-tasks': { type: 'string' },
        json: { type: 'boolean' },
      });
      if (positionals.length === 0) throw new UsageError('usage: lamdagent table DIR... [-k K] [--evaluate [--test-tasks FILE]] [--json]');
      const t = await table1(
        positionals.map((d) => path.resolve(io.cwd, d)),
        {
          k: intArg(values.k, 'k', 3),
          evaluate: Boolean(values.evaluate),
          ...(values['test-tasks'] ? { testTasks: path.resolve(io.cwd, values['test-tasks'] as string) } : {}),
          log: (l) => io.err(l),
        },
      );
      io.out(values.json ? JSON.stringify(t, null, 2) : table1Text(t));
      return 0;
    }
    case 'baselines': {
      const { values, positionals } = parse(rest, {
        seeds: { type: 'string' },
        out: { type: 'string', short: 'o' },
        action: { type: 'string' },
        'fft-epochs': { type: 'string' },
        'match-study': { type: 'string' },
        'test-tasks': { type: 'string' },
        'merge-weights': { type: 'string' },
        json: { type: 'boolean' },
      });
      const mergeWeights =
        values['merge-weights'] === undefined
          ? undefined
          : (values['merge-weights'] as string).split(',').map((x) => {
              const v = Number(x);
              if (!x.trim() || !Number.isFinite(v)) throw new UsageError(`--merge-weights expects numbers, got ${x}`);
              return v;
            });
      if (positionals.length !== 1) throw new UsageError('usage: lamdagent baselines CONFIG --seeds N [--out DIR]');
      const fftEpochs =
        values['fft-epochs'] === undefined
          ? undefined
          : (values['fft-epochs'] as string).split(',').map((x) => {
              const e = Number(x);
              if (!x.trim() || !Number.isFinite(e) || e <= 0) throw new UsageError(`--fft-epochs expects positive numbers, got ${x}`);
              return e;
            });
      const config = path.resolve(io.cwd, positionals[0]!);
      const outDir = path.resolve(io.cwd, (values.out as string | undefined) ?? path.join('baselines', path.basename(config).replace(/\.(ya?ml|json)$/, '')));
      const rows = await computeBaselines({
        configPath: config,
        outDir,
        seeds: intArg(values.seeds, 'seeds', 3),
        ...(values.action ? { action: values.action as string } : {}),
        ...(fftEpochs ? { fftEpochs } : {}),
        ...(values['match-study'] ? { matchStudy: path.resolve(io.cwd, values['match-study'] as string) } : {}),
        ...(values['test-tasks'] ? { testTasks: path.resolve(io.cwd, values['test-tasks'] as string) } : {}),
        ...(mergeWeights ? { mergeWeights } : {}),
        log: (l) => io.err(l),
      });
      io.out(values.json ? JSON.stringify(rows, null, 2) : `${table1Text(await table1([outDir]))}\n\nwrote ${path.join(outDir, 'baselines.json')}`);
      return 0;
    }
    case 'bench': {
      const [sub, ...args] = rest;
      if (sub !== 'export') throw new UsageError('usage: lamdagent bench export DIR... -o table.json');
      const { values, positionals } = parse(args, { out: { type: 'string', short: 'o' }, 'test-top': { type: 'string' } });
      if (positionals.length === 0 || !values.out) throw new UsageError('usage: lamdagent bench export DIR... -o table.json');
      const s = await exportTable({
        dirs: positionals.map((d) => path.resolve(io.cwd, d)),
        out: path.resolve(io.cwd, values.out as string),
        testTop: intArg(values['test-top'], 'test-top', 3),
        log: (l) => io.err(l),
      });
      io.out(
        `table ${path.resolve(io.cwd, values.out as string)}: ${Object.keys(s.table.entries).length} actions (${s.added} new from ${s.studies} studies, ${s.tested} scored on the test split)`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}
