import { existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  assemble,
  buildRegistry,
  discoverPlugins,
  loadConfig,
  loadPluginModule,
  registerBuiltins,
  Registry,
  resolvePlugin,
  UsageError,
  type ActionTypeDefinition,
  type LoadedPlugin,
} from '@lamdagent/core';
import { defaultActions, initConfigText, positionsOf } from './init-config.js';
import { scanFolders, type Scan } from './init-scan.js';

export const INIT_HELP = `lamdagent init [DIR] [options]
  Write a commented study config from what is in DIR (default: the current folder): models in the
  Hugging Face layout (config.json + model.safetensors), datasets (JSON lines: prompt+completion for SFT,
  prompt+chosen+rejected for preference learning), evaluation tasks (<task>/validation.jsonl and test.jsonl
  of {id, prompt, answer}), the action types of the installed plugins, a policy and a budget. The config is
  validated before it is written. With a terminal attached it asks; otherwise (or with --yes) flags decide.
  --models DIR       where to look for models (default: DIR)        --datasets DIR   datasets (default: DIR)
  --eval DIR         evaluation tasks (default: DIR)                --tasks a,b      only these tasks
  --actions a,b      action types to enable (default: SFT/DPO when such data exists, ties with 2+ models)
  --base NAME        the model merges take task vectors from (default: one named base*, else the first)
  --policy NAME      (default greedy)   --iterations N (default 20)   --seed S (default 0)
  -o FILE            output (default DIR/study.yaml; refused when it exists unless --force)
  --yes              no questions, even with a terminal`;

export interface InitIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Asks a question on a terminal (undefined: no terminal, flags decide). Returns the answer, or the default on Enter. */
  ask?: (question: string, dflt: string) => Promise<string>;
}

const csv = (v: string | undefined): string[] | undefined =>
  v === undefined
    ? undefined
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);

/**
 * The installed plugins, discovered from DIR upward, else from this CLI's own install (a global or workspace
 * one). A plugin that does not load (not built, broken) is left out with a warning: init still works.
 */
async function installedPlugins(dir: string, warn: (t: string) => void): Promise<{ registry: Registry; plugins: LoadedPlugin[] }> {
  for (const from of [dir, fileURLToPath(new URL('..', import.meta.url))]) {
    const registry = new Registry();
    await registerBuiltins(registry);
    const plugins: LoadedPlugin[] = [];
    const seen = new Set<string>();
    for (const name of discoverPlugins(from)) {
      try {
        const entry = realpathSync(resolvePlugin(name, from));
        if (seen.has(entry)) continue;
        seen.add(entry);
        plugins.push(await loadPluginModule(registry, name, entry, 'discovered'));
      } catch (e) {
        warn(`init: plugin ${name} left out: ${(e as Error).message}`);
      }
    }
    if (registry.names('actionType').length > 0) return { registry, plugins };
  }
  const registry = new Registry();
  await registerBuiltins(registry);
  return { registry, plugins: [] };
}

/** `plugins:` entry for a plugin: its package name when the config's folder resolves it, else its package folder. */
function pluginSpecifier(p: LoadedPlugin, configDir: string): string {
  for (let d = configDir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'node_modules', ...p.name.split('/'), 'package.json'))) return p.name;
    if (path.dirname(d) === d) break;
  }
  for (let d = path.dirname(p.from); path.dirname(d) !== d; d = path.dirname(d)) {
    const pj = path.join(d, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === p.name) return d;
  }
  return p.from;
}

function nothingUsable(dir: string, scan: Scan, roots: { models: string[]; datasets: string[]; evals: string[] }, missing: string): UsageError {
  return new UsageError(
    [
      `lamdagent init: nothing to build a study from in ${dir}: ${missing}. It looked for`,
      `  models (folders with config.json and model.safetensors or model.safetensors.index.json) under ${roots.models.join(', ')}: found ${scan.models.length}`,
      `  datasets (.jsonl with prompt+completion, or prompt+chosen+rejected) under ${roots.datasets.join(', ')}: found ${scan.datasets.length}`,
      `  evaluation tasks (<task>/validation.jsonl of {id, prompt, answer}) under ${roots.evals.join(', ')}: found ${scan.tasks.length}`,
      ...scan.skipped.slice(0, 10).map((s) => `  skipped ${s.file}: ${s.why}`),
      ...(scan.skipped.length > 10 ? [`  ... and ${scan.skipped.length - 10} more skipped`] : []),
      `Point init at them with --models, --datasets and --eval.`,
    ].join('\n'),
  );
}

/** `lamdagent init`: returns the exit code; bad input throws a UsageError (exit 2) and writes nothing. */
export async function initCommand(argv: string[], io: InitIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        models: { type: 'string', multiple: true },
        datasets: { type: 'string', multiple: true },
        eval: { type: 'string', multiple: true },
        tasks: { type: 'string' },
        actions: { type: 'string' },
        base: { type: 'string' },
        policy: { type: 'string' },
        iterations: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string', short: 'o' },
        force: { type: 'boolean' },
        yes: { type: 'boolean', short: 'y' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${INIT_HELP.split('\n')[0]}`);
  }
  const { values: v, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`usage: ${INIT_HELP.split('\n')[0]}`);
  const dir = path.resolve(io.cwd, positionals[0] ?? '.');
  if (!existsSync(dir)) throw new UsageError(`lamdagent init: ${dir} does not exist`);
  const ask = v.yes ? undefined : io.ask;
  const askFor = async (q: string, d: string): Promise<string> => (ask ? (await ask(q, d)).trim() || d : d);
  const folders = async (flag: string[] | undefined, what: string): Promise<string[]> =>
    flag ? flag.map((f) => path.resolve(io.cwd, f)) : [path.resolve(dir, await askFor(`Folder with ${what}`, '.'))];
  const roots = {
    models: await folders(v.models, 'models'),
    datasets: await folders(v.datasets, 'datasets'),
    evals: await folders(v.eval, 'evaluation tasks'),
  };
  const scan = scanFolders(roots);
  io.err(`found ${scan.models.length} models, ${scan.datasets.length} datasets, ${scan.tasks.length} tasks`);
  if (scan.models.length === 0) throw nothingUsable(dir, scan, roots, 'no model');

  const { registry, plugins } = await installedPlugins(dir, io.err);
  const types: ActionTypeDefinition[] = registry.names('actionType').map((n) => registry.actionType(n));
  const policies = registry.names('policy');
  const wantTasks = csv(
    v.tasks ?? (ask ? await askFor(`Tasks (${scan.tasks.map((t) => t.name).join(', ')})`, scan.tasks.map((t) => t.name).join(',')) : undefined),
  );
  if (wantTasks) {
    const unknown = wantTasks.filter((t) => !scan.tasks.some((f) => f.name === t));
    if (unknown.length)
      throw new UsageError(
        `--tasks: no evaluation files for ${unknown.join(', ')} (found: ${scan.tasks.map((t) => t.name).join(', ') || 'none'}); a task needs <task>/validation.jsonl`,
      );
    scan.tasks = scan.tasks.filter((t) => wantTasks.includes(t.name));
  }
  if (scan.tasks.length === 0) throw nothingUsable(dir, scan, roots, 'no evaluation task');
  const suggested = defaultActions(types, scan);
  const actions =
    csv(v.actions ?? (ask ? await askFor(`Action types (installed: ${types.map((t) => t.type).join(', ')})`, suggested.join(',')) : undefined)) ?? suggested;
  for (const a of actions) {
    const def = types.find((t) => t.type === a);
    if (!def) throw new UsageError(`--actions: no action type "${a}" installed (installed: ${types.map((t) => t.type).join(', ') || 'none'})`);
    const p = positionsOf(def, scan);
    if ('why' in p) throw new UsageError(`--actions: ${a} cannot run on what was found: it ${p.why}`);
  }
  if (actions.length === 0) throw nothingUsable(dir, scan, roots, 'no action type can run on it (SFT or preference data, or two models to merge)');
  const baseDefault = scan.models.find((m) => /^base/i.test(m.name))?.name ?? scan.models[0]!.name;
  const base =
    v.base ??
    (ask && actions.some((a) => types.find((t) => t.type === a)?.slots.some((s) => s.name.includes('base')))
      ? await askFor('Base model for merges', baseDefault)
      : baseDefault);
  if (!scan.models.some((m) => m.name === base)) throw new UsageError(`--base: no model named ${base} (found: ${scan.models.map((m) => m.name).join(', ')})`);
  const policy = v.policy ?? (await askFor(`Policy (${policies.join(', ')})`, policies.includes('greedy') ? 'greedy' : 'random'));
  if (!policies.includes(policy)) throw new UsageError(`--policy: no policy "${policy}" (installed: ${policies.join(', ')})`);
  const int = (s: string, flag: string, min: number): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} expects an integer >= ${min}, got ${s}`);
    return n;
  };
  const iterations = int(v.iterations ?? (await askFor('Iterations (trials)', '20')), 'iterations', 1);
  const seed = int(v.seed ?? '0', 'seed', 0);
  const out = path.resolve(io.cwd, v.out ?? path.join(positionals[0] ?? '.', (await askFor('Write the config to', 'study.yaml')).trim()));
  if (existsSync(out) && !v.force) throw new UsageError(`${out} exists; choose another -o or pass --force`);
  const configDir = path.dirname(out);

  // The plugins the config needs: those contributing its action types and the suite evaluator.
  const entries = registry.entries();
  const needed = new Set(
    entries.filter((e) => (e.kind === 'actionType' && actions.includes(e.name)) || (e.kind === 'evaluator' && e.name === 'suite')).map((e) => e.plugin),
  );
  const text = initConfigText(scan, types, policies, {
    configDir,
    fileName: path.basename(out),
    name: path.basename(dir),
    policy,
    iterations,
    seed,
    base,
    actions,
    plugins: plugins.filter((p) => needed.has(p.name)).map((p) => pluginSpecifier(p, configDir)),
  });
  // Validate before the file takes its name: a config that does not validate is never left behind.
  const tmp = path.join(configDir, `.${path.basename(out)}.init-${process.pid}.yaml`);
  writeFileSync(tmp, text);
  try {
    const loaded = loadConfig(tmp);
    const built = await buildRegistry(loaded);
    assemble(loaded, built.registry, { skipDigests: true, env: io.env });
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const rel = path.relative(io.cwd, out) || out;
  io.out(
    `wrote ${rel} (valid): ${scan.models.length} models, ${scan.datasets.length} datasets, tasks ${scan.tasks.map((t) => t.name).join(', ')}; actions ${actions.join(', ')}; policy ${policy}, ${iterations} trials`,
  );
  io.out(`next: lamdagent run ${rel} --out studies/first`);
  return 0;
}
