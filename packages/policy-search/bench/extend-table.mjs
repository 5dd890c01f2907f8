// A tabular benchmark for a config that APPENDS objects to another's pool lists (e.g. the quickstart's
// study-halving.yaml: study.yaml plus the quarter samples of its SFT sets): a copy of the table with the
// new config's fingerprint, after checking that every object of the old config is in the new one with
// the same id, list and content digest, and that the actions and tasks are the same. Action keys are
// made of the action type, runner, slot names, input digests and params (core's actionKey), so every
// entry of the old table is then the same action under the new config; `lamdagent compare --table OUT
// --fill` grows the copy with the actions only the new objects allow. The old table is only read.
// Usage: node packages/policy-search/bench/extend-table.mjs --from study.yaml --table T.json --to new.yaml -o OUT.json
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '@lamdagent/core';
import { configFingerprint, readTable, writeTable } from '@lamdagent/science';

const { values } = parseArgs({ options: { from: { type: 'string' }, table: { type: 'string' }, to: { type: 'string' }, out: { type: 'string', short: 'o' } } });
const fail = (message) => {
  console.error(`extend-table: ${message}`);
  process.exit(2);
};
for (const k of ['from', 'table', 'to', 'out']) if (!values[k]) fail(`--${k} is required`);
if (existsSync(values.out)) fail(`${values.out}: exists; choose another -o (this script never rewrites a table)`);

const table = readTable(path.resolve(values.table));
const from = await configFingerprint(loadConfig(values.from));
const to = await configFingerprint(loadConfig(values.to));
if (table.fingerprint !== from.fingerprint)
  fail(`${values.table}: not a table of ${values.from} (fingerprint ${table.fingerprint.slice(0, 12)} vs ${from.fingerprint.slice(0, 12)})`);
const byId = new Map(to.assembly.objects.map((o) => [o.id, o]));
for (const o of from.assembly.objects) {
  const n = byId.get(o.id);
  if (!n || n.kind !== o.kind || n.digest !== o.digest)
    fail(`${values.to}: object ${o.id} (${o.name}) of ${values.from} is not there with the same list and content (append new objects at the end of a list)`);
}
const actionsOf = (a) => JSON.stringify(a.bindings.map((b) => [b.name, b.definition.type, b.kinds, b.slotNames, b.params, b.runner, b.runnerParams ?? null]));
if (actionsOf(from.assembly) !== actionsOf(to.assembly)) fail(`${values.to}: its actions differ from ${values.from}'s`);
const tasksOf = (a) => JSON.stringify(a.tasks.map((t) => [t.name, t.metric, t.inReward, t.alpha]));
if (tasksOf(from.assembly) !== tasksOf(to.assembly)) fail(`${values.to}: its tasks differ from ${values.from}'s`);
const added = to.assembly.objects.filter((o) => !from.assembly.objects.some((x) => x.id === o.id));
writeTable(path.resolve(values.out), { ...table, fingerprint: to.fingerprint, config: path.basename(values.to), createdAt: new Date().toISOString() });
console.log(
  `${values.out}: the ${Object.keys(table.entries).length} entries of ${values.table} for ${values.to} (fingerprint ${to.fingerprint.slice(0, 12)}; objects added: ${added.map((o) => o.name).join(', ') || 'none'})`,
);
