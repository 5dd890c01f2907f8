import type { ActionBinding, WeightedGroup } from './action-type.js';
import type { LoadedConfig } from './config-load.js';
import { zodIssues } from './config-load.js';
import type { ConfigIssue } from './errors.js';
import type { JsonValue } from './json.js';
import type { ObjectType } from './objects.js';
import type { Registry } from './registry.js';

type Config = LoadedConfig['config'];

/** A slot that takes one value per position of a repeated slot (merge weights): checked once the object lists are read. */
export interface PerPositionCheck {
  where: string;
  kind: string;
  slot: string;
  times: number;
  of: string;
}

/** The type an object list declares (`objects.<kind>.type`), if any. */
export function explicitType(cfg: Config, kind: string): string | undefined {
  const list = cfg.objects[kind];
  return list && !Array.isArray(list) ? list.type : undefined;
}

/**
 * The config's actions bound to the registered action types: each type resolved, repeated slots
 * expanded, unordered and weighted (per-position) groups found, params and runner params validated, and
 * the object type each list feeds inferred from the slots it fills. Problems go to `issues`, each with its path.
 */
export function resolveBindings(
  cfg: Config,
  registry: Registry,
  issues: ConfigIssue[],
): { bindings: ActionBinding[]; kindTypes: Map<string, ObjectType>; perPositionChecks: PerPositionCheck[] } {
  const kindTypes = new Map<string, ObjectType>();
  const kindSource = new Map<string, string>();
  const bindings: ActionBinding[] = [];
  const perPositionChecks: PerPositionCheck[] = [];
  for (const [name, raw] of Object.entries(cfg.actions)) {
    const where = `actions.${name}`;
    const a = Array.isArray(raw) ? { slots: raw } : raw;
    const typeName = (Array.isArray(raw) ? undefined : raw.type) ?? name;
    if (!registry.hasActionType(typeName)) {
      issues.push({
        path: Array.isArray(raw) ? where : `${where}.type`,
        message: `unknown action type "${typeName}" (known: ${registry.names('actionType').join(', ') || 'none: no action plugin loaded'})`,
      });
      continue;
    }
    const def = registry.actionType(typeName);
    const kinds = a.slots;
    const rep = def.slots.findIndex((s) => s.repeat);
    const slotNames: string[] = [];
    const slotTypes: ObjectType[] = [];
    const expected = def.slots.map((s) => (s.repeat ? `${s.name}×${s.repeat.min}+` : s.name)).join(', ');
    if (rep < 0) {
      if (kinds.length !== def.slots.length) {
        issues.push({
          path: `${where}${Array.isArray(raw) ? '' : '.slots'}`,
          message: `${def.type} takes ${def.slots.length} slots (${expected}), got ${kinds.length}`,
        });
        continue;
      }
      for (const s of def.slots) {
        slotNames.push(s.name);
        slotTypes.push(s.type);
      }
    } else {
      const r = def.slots[rep]!;
      const times = kinds.length - (def.slots.length - 1);
      if (times < r.repeat!.min || (r.repeat!.max !== undefined && times > r.repeat!.max)) {
        issues.push({
          path: `${where}${Array.isArray(raw) ? '' : '.slots'}`,
          message: `${def.type} takes slots (${expected}): ${r.name} repeated ${r.repeat!.min}${r.repeat!.max ? `-${r.repeat!.max}` : ' or more'} times; got ${kinds.length} slots in all`,
        });
        continue;
      }
      def.slots.forEach((s, i) => {
        const n = i === rep ? times : 1;
        for (let j = 0; j < n; j++) {
          slotNames.push(s.name);
          slotTypes.push(s.type);
        }
      });
    }
    let ok = true;
    kinds.forEach((kind, p) => {
      const at = `${where}${Array.isArray(raw) ? '' : '.slots'}[${p}]`;
      if (!(kind in cfg.objects)) {
        issues.push({ path: at, message: `no object list "${kind}" in objects (have: ${Object.keys(cfg.objects).join(', ')})` });
        ok = false;
        return;
      }
      const t = slotTypes[p]!;
      const ex = explicitType(cfg, kind);
      const prev = kindTypes.get(kind);
      if (ex && ex !== t) {
        issues.push({ path: at, message: `slot ${slotNames[p]} takes ${t} objects, but objects.${kind} is declared type ${ex}` });
        ok = false;
      } else if (prev && prev !== t) {
        issues.push({ path: at, message: `slot ${slotNames[p]} takes ${t} objects, but objects.${kind} already feeds ${kindSource.get(kind)} as ${prev}` });
        ok = false;
      } else {
        kindTypes.set(kind, t);
        kindSource.set(kind, `${where} ${slotNames[p]}`);
      }
    });
    // Unordered groups: from config, else the repeated slot's positions (unless ordered).
    let unordered: number[][] = [];
    if (!Array.isArray(raw) && raw.unordered) {
      raw.unordered.forEach((g, gi) => {
        if (g.some((p) => p >= kinds.length)) issues.push({ path: `${where}.unordered[${gi}]`, message: `positions must be below ${kinds.length}` });
        else if (new Set(g.map((p) => kinds[p])).size !== 1)
          issues.push({ path: `${where}.unordered[${gi}]`, message: 'an unordered group must use one object list' });
        else unordered.push([...g].sort((x, y) => x - y));
      });
    }
    // A slot carrying one value per position of the repeated slot (merge weights) keeps that slot's
    // positions in the order chosen: distinct, but not interchangeable.
    const weighted: WeightedGroup[] = [];
    const perPositionSlot = rep >= 0 ? def.slots.findIndex((s) => s.perPosition === def.slots[rep]!.name) : -1;
    const repeatedGroups = (): number[][] => {
      const positions = slotNames.map((s, i) => (s === def.slots[rep]!.name ? i : -1)).filter((i) => i >= 0);
      const groups = new Map<string, number[]>();
      for (const p of positions) groups.set(kinds[p]!, [...(groups.get(kinds[p]!) ?? []), p]);
      return [...groups.values()].filter((g) => g.length > 1);
    };
    if (perPositionSlot >= 0) {
      const paramsAt = slotNames.indexOf(def.slots[perPositionSlot]!.name);
      const times = slotNames.filter((s) => s === def.slots[rep]!.name).length;
      const clash = unordered.find((g) => g.some((p) => slotNames[p] === def.slots[rep]!.name));
      if (clash)
        issues.push({
          path: `${where}.unordered`,
          message: `positions ${clash.join(', ')} take one ${slotNames[paramsAt]} value each, so their order matters; they cannot be unordered`,
        });
      for (const g of repeatedGroups()) weighted.push({ positions: g, paramsAt });
      perPositionChecks.push({ where, kind: kinds[paramsAt]!, slot: slotNames[paramsAt]!, times, of: def.slots[rep]!.name });
    } else if (!(!Array.isArray(raw) && raw.unordered) && rep >= 0 && !def.slots[rep]!.repeat!.ordered) {
      unordered = repeatedGroups();
    }
    let params: Record<string, JsonValue> = (!Array.isArray(raw) && raw.params) || {};
    if (def.paramsSchema) {
      const res = def.paramsSchema.safeParse(params);
      if (!res.success) {
        issues.push(...zodIssues(res.error, ['actions', name, 'params']));
        ok = false;
      } else params = res.data;
    }
    const runner = (!Array.isArray(raw) && raw.runner) || registry.defaultRunner(def);
    if (!registry.has('runner', runner)) {
      issues.push({
        path: `${where}${Array.isArray(raw) ? '' : '.runner'}`,
        message: `no runner "${runner}" registered (known: ${registry.names('runner').join(', ') || 'none'})`,
      });
      ok = false;
    }
    let runnerParams: Record<string, JsonValue> = (!Array.isArray(raw) && raw.runnerParams) || {};
    if (registry.has('runner', runner)) {
      const schema = registry.runner(runner).paramsSchema;
      if (schema) {
        const res = schema.safeParse(runnerParams);
        if (!res.success) {
          issues.push(...zodIssues(res.error, ['actions', name, 'runnerParams']));
          ok = false;
        } else runnerParams = res.data;
      }
    }
    const produces = (!Array.isArray(raw) && raw.produces) || 'models';
    if (!(produces in cfg.objects)) {
      issues.push({
        path: `${where}${Array.isArray(raw) ? '' : '.produces'}`,
        message: `produced models join objects.${produces}, which does not exist; add it (it may be an empty list) or set produces:`,
      });
      ok = false;
    }
    if (ok)
      bindings.push({ name, definition: def, kinds, slotNames, unordered, ...(weighted.length ? { weighted } : {}), params, produces, runner, runnerParams });
  }
  for (const b of bindings) {
    const t = kindTypes.get(b.produces) ?? explicitType(cfg, b.produces);
    if (t && t !== 'model') issues.push({ path: `actions.${b.name}`, message: `produces models into objects.${b.produces}, which holds ${t} objects` });
    else kindTypes.set(b.produces, 'model');
  }
  return { bindings, kindTypes, perPositionChecks };
}
