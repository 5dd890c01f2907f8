import type { ActionBinding } from './action-type.js';
import type { ConfigIssue } from './errors.js';
import { modelFolderProblems } from './kit/preflight.js';
import type { PoolObject } from './objects.js';

/** Where a configured object is in the config: `objects.<kind>[i]` or `objects.<kind>.values[i]`. */
export type ObjectPath = (obj: PoolObject) => string;

/**
 * Checks every configured object before the first trial: model folders (config.json, safetensors
 * headers), then each slot's own check (a value's range, a dataset's first lines) for the objects of the
 * lists feeding it. One issue per object and problem.
 */
export function preflightObjects(bindings: readonly ActionBinding[], objects: readonly PoolObject[], at: ObjectPath, issues: ConfigIssue[]): void {
  const seen = new Set<string>();
  const push = (obj: PoolObject, message: string): void => {
    const key = `${obj.id}\0${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ path: at(obj), message });
  };
  for (const obj of objects) if (obj.type === 'model' && typeof obj.value === 'string') for (const p of modelFolderProblems(obj.value)) push(obj, p);
  for (const b of bindings) {
    b.kinds.forEach((kind, pos) => {
      const slot = b.definition.slots.find((s) => s.name === b.slotNames[pos]);
      if (!slot?.check) return;
      // A dataset's format is the runner's: a check written for the default runner says nothing about another one.
      if (slot.type === 'dataset' && b.runner !== b.definition.runner) return;
      for (const obj of objects) {
        if (obj.kind !== kind) continue;
        let problem: string | undefined;
        try {
          problem = slot.check(obj.value);
        } catch (e) {
          problem = `check failed: ${(e as Error).message}`;
        }
        if (problem) push(obj, `${problem} (slot ${slot.name} of actions.${b.name})`);
      }
    });
  }
}
