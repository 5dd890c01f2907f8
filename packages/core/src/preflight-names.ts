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
