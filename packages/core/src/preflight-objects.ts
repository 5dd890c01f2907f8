import type { ActionBinding } from './action-type.js';
import type { ConfigIssue } from './errors.js';
import { modelFolderProblems } from './kit/preflight.js';
import type { JsonValue } from './json.js';
import type { PoolObject } from './objects.js';
import type { Runner } from './runner.js';

/** Where a configured object is in the config: `objects.<kind>[i]` or `objects.<kind>.values[i]`. */
export type ObjectPath = (obj: PoolObject) => string;

/**
 * Checks every configured object before the first trial: model folders (config.json, safetensors
 * headers), then each slot's checks for the objects of the lists feeding it: the action type's own
 * (`SlotSpec.check`: a value's range, a dataset's first lines) and its runner's (`Runner.inputChecks`).
 * A dataset is read by the action's runner, so an action whose runner is not its type's default has
 * its datasets checked by that runner's checks only. One issue per object and problem.
 */
export function preflightObjects(
  bindings: readonly ActionBinding[],
  objects: readonly PoolObject[],
  at: ObjectPath,
  issues: ConfigIssue[],
  runners: { runner(name: string): Runner | undefined; defaultRunner(def: ActionBinding['definition']): string } = {
    runner: () => undefined,
    defaultRunner: (def) => def.runner,
  },
): void {
  const seen = new Set<string>();
  const push = (obj: PoolObject, message: string): void => {
    const key = `${obj.id}\0${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ path: at(obj), message });
  };
  for (const obj of objects) if (obj.type === 'model' && typeof obj.value === 'string') for (const p of modelFolderProblems(obj.value)) push(obj, p);
  for (const b of bindings) {
    const runner = runners.runner(b.runner);
    const byDefault = b.runner === runners.defaultRunner(b.definition);
    b.kinds.forEach((kind, pos) => {
      const slot = b.definition.slots.find((s) => s.name === b.slotNames[pos]);
      if (!slot) return;
      const checks: { check: (value: JsonValue) => string | undefined; by: string }[] = [];
      // A dataset's format is the runner's: the type's check is written for its default runner.
      if (slot.check && (slot.type !== 'dataset' || byDefault)) checks.push({ check: slot.check.bind(slot), by: '' });
      const own = runner?.inputChecks?.[slot.name];
      if (own) checks.push({ check: own, by: `, runner ${b.runner}` });
      for (const { check, by } of checks) {
        for (const obj of objects) {
          if (obj.kind !== kind) continue;
          let problem: string | undefined;
          try {
            problem = check(obj.value);
          } catch (e) {
            problem = `check failed: ${(e as Error).message}`;
          }
          if (problem) push(obj, `${problem} (slot ${slot.name} of actions.${b.name}${by})`);
        }
      }
    });
  }
}
