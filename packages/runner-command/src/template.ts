import path from 'node:path';
import type { JobSpec, JsonValue } from '@lamdagent/core';

/** A placeholder in an argv template could not be filled; the message names the element and the placeholder. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** What placeholders can refer to besides the job spec. */
export interface TemplateContext {
  spec: JobSpec;
  /** Environment `{env.NAME}` reads (the runner process's, on the machine the job runs on). */
  env: Readonly<Record<string, string | undefined>>;
  /** Extra named values, e.g. `{pythonDir}` for the bundled scripts. */
  vars?: Readonly<Record<string, string>>;
}

const INPUT_FIELDS = ['value', 'name', 'id', 'type', 'digest'] as const;
type InputField = (typeof INPUT_FIELDS)[number];

/** The placeholders every template may use (shown in errors). */
export const PLACEHOLDERS = [
  '{outputDir}',
  '{jobDir}',
  '{specFile}',
  '{seed}',
  '{jobId}',
  '{action}',
  '{actionType}',
  '{gpus}',
  '{cpus}',
  '{memoryMb}',
  '{timeLimitSec}',
  '{smoke}',
  '{input.<slot>}',
  '{input.<slot>.<n>}',
  '{input.<slot>[.<n>].name|id|type|digest}',
  '{inputs.<slot>} (a whole element: one element per input)',
  '{params.<key>[.<key>...]}',
  '{env.<NAME>}',
  '{env.<NAME>:-<default>}',
] as const;

/** A JSON value as one argv string: strings as they are, numbers and booleans printed, null empty, the rest as JSON. */
export function argString(v: JsonValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  return JSON.stringify(v);
}

function inputsOf(spec: JobSpec, slot: string, where: string): JobSpec['inputs'] {
  const found = spec.inputs.filter((i) => i.slot === slot);
  if (found.length === 0) {
    const slots = [...new Set(spec.inputs.map((i) => i.slot))];
    throw new TemplateError(`${where}: no input slot "${slot}" (slots: ${slots.join(', ') || 'none'})`);
  }
  return found;
}

function inputField(input: JobSpec['inputs'][number], field: InputField): string {
  return field === 'value' ? argString(input.value) : input[field];
}

/** Resolve one placeholder name (without braces) to a string, or, for `inputs.<slot>`, to several. */
function resolve(name: string, ctx: TemplateContext, where: string, mask: boolean): string | string[] {
  const { spec } = ctx;
  const simple: Record<string, () => string> = {
    outputDir: () => spec.outputDir,
    jobDir: () => spec.jobDir,
    specFile: () => path.join(spec.jobDir, 'spec.json'),
    seed: () => String(spec.seed),
    jobId: () => spec.jobId,
    action: () => spec.action,
    actionType: () => spec.actionType,
    gpus: () => String(spec.resources.gpus),
    cpus: () => String(spec.resources.cpus),
    memoryMb: () => (spec.resources.memoryMb !== undefined ? String(spec.resources.memoryMb) : ''),
    timeLimitSec: () => (spec.resources.timeLimitSec !== undefined ? String(spec.resources.timeLimitSec) : ''),
    smoke: () => String(spec.smoke),
  };
  const direct = simple[name];
  if (direct) return direct();
  if (ctx.vars && Object.hasOwn(ctx.vars, name)) return ctx.vars[name]!;
  const [head, ...rest] = name.split('.');
  if (head === 'env' && rest.length > 0) {
    const expr = rest.join('.');
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?::-(.*))?$/s.exec(expr);
    if (!m) throw new TemplateError(`${where}: {${name}}: an environment variable name, optionally with :-default`);
    const value = ctx.env[m[1]!];
    if (value === undefined || value === '') {
      if (m[2] !== undefined) return m[2];
      throw new TemplateError(`${where}: {${name}}: environment variable ${m[1]} is not set (give a default with {env.${m[1]}:-value})`);
    }
    return mask ? `<env.${m[1]}>` : value;
  }
  if ((head === 'input' || head === 'inputs') && rest.length > 0) {
    const [slot, ...more] = rest as [string, ...string[]];
    const list = inputsOf(spec, slot, where);
    let index: number | undefined;
    let field: InputField = 'value';
    for (const part of more) {
      if (/^\d+$/.test(part) && index === undefined && head === 'input') index = Number(part);
      else if ((INPUT_FIELDS as readonly string[]).includes(part)) field = part as InputField;
      else throw new TemplateError(`${where}: {${name}}: "${part}" is not an index or one of ${INPUT_FIELDS.join(', ')}`);
    }
    if (head === 'inputs') return list.map((i) => inputField(i, field));
    if (index === undefined) {
      if (list.length > 1)
        throw new TemplateError(`${where}: {${name}}: slot ${slot} holds ${list.length} inputs; pick one ({input.${slot}.0}) or expand all ({inputs.${slot}})`);
      index = 0;
    }
    const input = list[index];
    if (!input) throw new TemplateError(`${where}: {${name}}: slot ${slot} holds ${list.length} inputs, no index ${index}`);
    return inputField(input, field);
  }
  if (head === 'params' && rest.length > 0) {
    let v: JsonValue | undefined = spec.params;
    for (const key of rest) {
      v = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key) ? v[key] : undefined;
      if (v === undefined) {
        throw new TemplateError(`${where}: {${name}}: no parameter ${rest.join('.')} (params: ${Object.keys(spec.params).join(', ') || 'none'})`);
      }
    }
    return argString(v as JsonValue);
  }
  throw new TemplateError(
    `${where}: unknown placeholder {${name}} (known: ${[...PLACEHOLDERS, ...Object.keys(ctx.vars ?? {}).map((k) => `{${k}}`)].join(', ')})`,
  );
}

/** Expand one template string: `{name}` placeholders, `{{` and `}}` for literal braces. */
export function expandString(template: string, ctx: TemplateContext, where: string, mask = false): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i]!;
    if (c === '{' && template[i + 1] === '{') {
      out += '{';
      i += 2;
    } else if (c === '}' && template[i + 1] === '}') {
      out += '}';
      i += 2;
    } else if (c === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new TemplateError(`${where}: unclosed "{" in ${JSON.stringify(template)} (write {{ for a literal brace)`);
      const name = template.slice(i + 1, end).trim();
      const v = resolve(name, ctx, where, mask);
      if (Array.isArray(v)) throw new TemplateError(`${where}: {${name}} expands to several arguments and must be a whole element`);
      out += v;
      i = end + 1;
    } else if (c === '}') {
      throw new TemplateError(`${where}: stray "}" in ${JSON.stringify(template)} (write }} for a literal brace)`);
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/**
 * Expand an argv template into the argv to spawn (never a shell string): each element is expanded on
 * its own, an element that is exactly `{inputs.<slot>}` becomes one element per input of that slot.
 * With `mask`, values read from the environment are shown as `<env.NAME>` (for logs).
 */
export function expandArgv(template: readonly string[], ctx: TemplateContext, mask = false, where = 'command'): string[] {
  const out: string[] = [];
  template.forEach((el, i) => {
    const at = `${where}[${i}]`;
    const whole = /^\{\s*(inputs\.[^{}]+)\}$/.exec(el);
    if (whole) {
      const v = resolve(whole[1]!.trim(), ctx, at, mask);
      out.push(...(Array.isArray(v) ? v : [v]));
    } else out.push(expandString(el, ctx, at, mask));
  });
  return out;
}
