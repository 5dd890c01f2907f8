import type { StudyConfigParsed } from './config-schema.js';
import type { ConfigIssue } from './errors.js';
import type { JsonValue } from './json.js';
import type { PoolObject } from './objects.js';
import { canonicalJson } from './kit/digest.js';

/** Where a configured object sits in the config: `objects.<kind>[i]`, or `objects.<kind>.values[i]`. */
export function objectPath(objects: StudyConfigParsed['objects'], obj: PoolObject): string {
  const i = obj.id.slice(obj.id.lastIndexOf('/') + 1);
  return `objects.${obj.kind}${Array.isArray(objects[obj.kind]) ? '' : '.values'}[${i}]`;
}

const same = (a: JsonValue, b: JsonValue): boolean => canonicalJson(a) === canonicalJson(b);

/**
 * Names are how people and agents tell objects apart: an object listed twice in one list, or two
 * different objects of one type that would be shown under the same name, are refused.
 */
export function checkDuplicateNames(config: StudyConfigParsed['objects'], objects: readonly PoolObject[], issues: ConfigIssue[]): void {
  const byName = new Map<string, PoolObject>();
  const byValue = new Map<string, PoolObject>();
  for (const o of objects) {
    const v = `${o.kind}\0${canonicalJson(o.value)}`;
    const twice = byValue.get(v);
    if (twice) {
      issues.push({
        path: objectPath(config, o),
        message: `${JSON.stringify(o.value)} is listed twice in objects.${o.kind} (also at ${objectPath(config, twice)})`,
      });
      continue;
    }
    byValue.set(v, o);
    const n = `${o.type}\0${o.name}`;
    const first = byName.get(n);
    if (first && !same(first.value, o.value)) {
      issues.push({
        path: objectPath(config, o),
        message: `name "${o.name}" is already used by ${objectPath(config, first)} (${JSON.stringify(first.value)}), a different ${o.type}; give distinct names with objects.${o.kind}.names`,
      });
    } else if (!first) byName.set(n, o);
  }
}

/**
 * Task names and object names print side by side (leaderboard columns and rows, the agent's prompt,
 * `status`), so a task may not be named like an object: `arith` the task and `arith` the dataset would
 * read as one thing.
 */
export function checkTaskNames(
  config: Pick<StudyConfigParsed, 'objects' | 'tasks'>,
  tasks: readonly { name: string }[],
  objects: readonly PoolObject[],
  issues: ConfigIssue[],
): void {
  const byName = new Map<string, PoolObject>();
  for (const o of objects) if (!byName.has(o.name)) byName.set(o.name, o);
  tasks.forEach((t, i) => {
    const o = byName.get(t.name);
    if (!o) return;
    const raw = config.objects[o.kind];
    const named = raw !== undefined && !Array.isArray(raw) && raw.names !== undefined;
    const at = named ? `objects.${o.kind}.names[${o.id.slice(o.id.lastIndexOf('/') + 1)}]` : objectPath(config.objects, o);
    issues.push({
      path: Array.isArray(config.tasks[i]) ? `tasks[${i}]` : `tasks[${i}].name`,
      message: `task "${t.name}" has the name of ${at} (${JSON.stringify(o.value)}), a ${o.type}; task and object names must differ (they are shown side by side in the leaderboard and the agent's prompt): rename one of them${named ? '' : ` (name the ${o.type} with objects.${o.kind}.names)`}`,
    });
  });
}
