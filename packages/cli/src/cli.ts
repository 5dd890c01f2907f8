import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  preflightStudy,
  buildRegistry,
  loadConfig,
  withDataDir,
  openStudy,
  registerBuiltins,
  Registry,
  loadPlugins,
  StudyLock,
  studyConfigJsonSchema,
  UsageError,
} from '@lamdagent/core';
import { serveDashboard, writeReport } from '@lamdagent/dashboard';
import { costsJson, costsText } from './costs.js';
import { describeAction, statusJson, statusText, topJson, topText, trialJson } from './format.js';
import { SCIENCE_HELP, scienceCommand } from './science-commands.js';
import { topIntervals, topNoiseText } from './top-noise.js';
import { mergeCommand } from './merge-command.js';
import { failureJson } from './run-outcome.js';
import { readStudyJson } from './study-files.js';
import { exportCommand } from './export-command.js';
import { initCommand } from './init-command.js';
import { terminalAsk } from './init-ask.js';
import { intOpt, parse } from './args.js';
import { COMMAND_HELP, HELP } from './help.js';
import { resumeCommand, runCommand } from './study-commands.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: `run` and `resume` stop cleanly (running trials cancelled, journaled). */
  signal?: AbortSignal;
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
    case 'run':
      return runCommand(rest, io);
    case 'resume':
      return resumeCommand(rest, io);
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
