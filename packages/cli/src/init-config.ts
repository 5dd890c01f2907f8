import path from 'node:path';
import type { ActionTypeDefinition, JsonValue, SlotSpec } from '@lamdagent/core';
import type { FoundDataset, FoundModel, FoundTask, Scan } from './init-scan.js';

/** What `init` chose, beside what it found on disk. */
export interface InitChoices {
  /** Folder the config is written to (its relative paths resolve from here). */
  configDir: string;
  name: string;
  policy: string;
  iterations: number;
  seed: number;
  /** Name of the model merges take task vectors from. */
  base: string;
  /** Action types to enable (others installed are listed, commented out). */
  actions: string[];
  /** `plugins:` entries (package names, or folders when not installed beside the config). */
  plugins: string[];
  /** The config file's name (for the hints in its header). */
  fileName: string;
}

/** One position of an action: the pool kind feeding it, and the values that kind needs (hyperparameters). */
interface Position {
  kind: string;
  values?: JsonValue[];
}

const q = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(q).join(', ')}]`;

/** Small models (the embedded world's, hidden size ≤ 256) learn at 2e-3; real checkpoints at 1e-5. */
function learningRate(models: readonly FoundModel[]): number {
  return models.every((m) => m.hiddenSize !== undefined && m.hiddenSize <= 256) ? 0.002 : 1e-5;
}

/** Values of a hyperparameter slot, or undefined when init cannot guess them. */
function slotValues(slot: SlotSpec, times: number, models: readonly FoundModel[]): JsonValue[] | undefined {
  const n = slot.name.toLowerCase();
  if (slot.perPosition) return [Array.from({ length: times }, () => Math.round(1e6 / times) / 1e6)];
  if (slot.type !== 'number') return undefined;
  if (n.includes('learning_rate') || n === 'lr') return [learningRate(models)];
  if (n === 'beta') return [0.1];
  if (n.includes('density')) return [0.5];
  if (n.includes('weight')) return [0.5];
  return undefined;
}

/** The pool kinds of an action type's positions, or why it cannot run on what was found. */
export function positionsOf(def: ActionTypeDefinition, scan: Scan): { positions: Position[] } | { why: string } {
  const repeat = def.slots.find((s) => s.repeat);
  const times = repeat?.repeat ? Math.max(repeat.repeat.min, 2) : 1;
  const out: Position[] = [];
  for (const slot of def.slots) {
    const count = slot.repeat ? times : 1;
    if (slot.type === 'model') {
      if (slot.repeat && scan.models.length < count) return { why: `needs ${count} models, found ${scan.models.length}` };
      for (let i = 0; i < count; i++) out.push({ kind: slot.name.includes('base') ? 'base_models' : 'models' });
      continue;
    }
    if (slot.type === 'dataset') {
      const pref = (slot.description ?? '').includes('chosen');
      const kind = pref ? 'preference_datasets' : 'sft_datasets';
      if (!scan.datasets.some((d) => d.format === (pref ? 'preference' : 'sft'))) return { why: `needs ${pref ? 'preference' : 'SFT'} datasets, found none` };
      out.push({ kind });
      continue;
    }
    const values = slotValues(slot, times, scan.models);
    if (!values) return { why: `init has no default for its ${slot.type} slot "${slot.name}"; add values yourself` };
    for (let i = 0; i < count; i++) out.push({ kind: `${def.type}_${slot.name}`, values });
  }
  return { positions: out };
}

/** Action types enabled when the user does not name them: SFT / preference training when such data exists, TIES with two models or more. */
export function defaultActions(types: readonly ActionTypeDefinition[], scan: Scan): string[] {
  return types
    .filter((d) => {
      const p = positionsOf(d, scan);
      if ('why' in p) return false;
      if (d.slots.some((s) => s.type === 'dataset')) return true;
      return d.type === 'ties';
    })
    .map((d) => d.type);
}

function rel(configDir: string, p: string): string {
  const r = path.relative(configDir, p).split(path.sep).join('/');
  return r.startsWith('..') || path.isAbsolute(r) ? p : r;
}

function objectBlock(kind: string, items: readonly { name: string; file: string }[], configDir: string): string {
  return `  ${kind}:\n    values: ${list(items.map((i) => rel(configDir, i.file)))}\n    names: ${list(items.map((i) => i.name))}`;
}

function taskBlock(t: FoundTask, c: InitChoices): string {
  const data = `data: { validation: ${q(rel(c.configDir, t.validation))}${t.test ? `, test: ${q(rel(c.configDir, t.test))}` : ''} }`;
  return `  - name: ${q(t.name)}\n    options: { scorer: ${t.scorer}, ${data} } # scorer inferred from the items`;
}

/** The commented YAML text of a study config for what was found and chosen. */
export function initConfigText(scan: Scan, types: readonly ActionTypeDefinition[], policies: readonly string[], c: InitChoices): string {
  const enabled = types.filter((d) => c.actions.includes(d.type));
  const positions = new Map(enabled.map((d) => [d.type, positionsOf(d, scan)]));
  const used = new Set([...positions.values()].flatMap((p) => ('positions' in p ? p.positions.map((x) => x.kind) : [])));
  const base = scan.models.find((m) => m.name === c.base) ?? scan.models[0]!;
  // Task and object names must differ (they print side by side): `data/sums.jsonl` beside the task
  // `eval/sums/` becomes the dataset `sums-sft`.
  const taskNames = new Set(scan.tasks.map((t) => t.name));
  const apart = <T extends { name: string }>(o: T, what: string): T => (taskNames.has(o.name) ? { ...o, name: `${o.name}-${what}` } : o);
  const byFormat = (f: FoundDataset['format']): FoundDataset[] =>
    scan.datasets.filter((d) => d.format === f).map((d) => apart(d, f === 'sft' ? 'sft' : 'pref'));
  const L: string[] = [
    `# Study config written by \`lamdagent init\` from what is on disk; edit freely.`,
    `# Check it: lamdagent validate ${c.fileName}   Run it: lamdagent run ${c.fileName} --out studies/first`,
    `# Every key is described by \`lamdagent schema\` (JSON Schema; editors complete from it).`,
    `name: ${q(c.name)}`,
    `seed: ${c.seed}`,
    `budget:`,
    `  iterations: ${c.iterations} # trials; wallTimeSec, costUsd and targetReward also stop a study`,
    `# Policies installed: ${policies.join(', ')} (random is the paper's baseline; llm needs an agent LLM)`,
    `policy: ${c.policy}`,
    `plugins: ${list(c.plugins)}`,
    `discoverPlugins: false # only the plugins listed: the study does not change when more are installed`,
    `objects:`,
    `  # Models found (Hugging Face layout: config.json + model.safetensors): ${scan.models.length}`,
  ];
  if (used.has('base_models'))
    L.push(
      `  # merges take task vectors from this one (choose another with lamdagent init --base NAME)`,
      objectBlock('base_models', [apart({ name: base.name, file: base.dir }, 'model')], c.configDir),
    );
  L.push(
    objectBlock(
      'models',
      scan.models.map((m) => apart({ name: m.name, file: m.dir }, 'model')),
      c.configDir,
    ),
  );
  const sft = byFormat('sft');
  const pref = byFormat('preference');
  if (sft.length) L.push(`  # SFT datasets (JSON lines of prompt, completion): ${sft.length}`, objectBlock('sft_datasets', sft, c.configDir));
  if (pref.length)
    L.push(`  # Preference datasets (JSON lines of prompt, chosen, rejected): ${pref.length}`, objectBlock('preference_datasets', pref, c.configDir));
  const hp = new Map<string, JsonValue[]>();
  for (const p of positions.values()) if ('positions' in p) for (const x of p.positions) if (x.values) hp.set(x.kind, x.values);
  if (hp.size) L.push(`  # Hyperparameters: each value is a choice the policy can make (add values to search over them)`);
  for (const [k, v] of hp) L.push(`  ${k}: ${JSON.stringify(v)}`);
  for (const s of scan.skipped.slice(0, 5)) L.push(`  # skipped ${q(rel(c.configDir, s.file))}: ${s.why}`);
  if (scan.skipped.length > 5) L.push(`  # ... and ${scan.skipped.length - 5} more JSON lines files of no known shape`);
  L.push(`actions:`);
  for (const d of enabled) {
    const p = positions.get(d.type)!;
    if ('why' in p) continue;
    L.push(`  # ${d.description}`, `  ${d.type}: ${list(p.positions.map((x) => x.kind))}`);
  }
  const others = types.filter((d) => !c.actions.includes(d.type));
  if (others.length) {
    L.push(`  # Also installed (add a line like the ones above to enable one):`);
    for (const d of others) {
      const p = positionsOf(d, scan);
      L.push(`  #   ${d.type}: ${'why' in p ? `(${p.why})` : list(p.positions.map((x) => x.kind))}  ${d.description.split('\n')[0]!.slice(0, 100)}`);
    }
  }
  L.push(`tasks:`, ...scan.tasks.map((t) => taskBlock(t, c)));
  L.push(
    `aggregation: mean # or weighted-sum (the paper's eq. 3, alpha per task)`,
    `executor: inprocess # or subprocess, slurm (@lamdagent/executor-slurm)`,
    '',
  );
  return L.join('\n');
}
