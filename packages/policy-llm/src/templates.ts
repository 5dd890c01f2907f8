import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DEFAULT_MEMORY_TEMPLATE, DEFAULT_OBJECTS_TEMPLATE, DEFAULT_SHORTLIST_TEMPLATE, DEFAULT_TYPE_TEMPLATE } from './default-prompts.js';
import type { PromptFiles } from './options.js';

export type Step = 'type' | 'objects' | 'shortlist' | 'memory';

const COMMON = ['iteration', 'memory', 'summary', 'history', 'failures', 'pending'] as const;

/** Variables each template may use (`{{name}}`), and those it must use. */
export const TEMPLATE_VARIABLES = {
  type: { allowed: [...COMMON, 'action_types', 'type_count', 'max_type_index'], required: ['action_types'] },
  objects: {
    allowed: [...COMMON, 'action_type', 'action_description', 'arity', 'positions', 'object_lists', 'answer_example'],
    required: ['object_lists'],
  },
  shortlist: {
    allowed: [...COMMON, 'ranker', 'proposals', 'proposal_count', 'max_proposal_index'],
    required: ['proposals'],
  },
  memory: {
    allowed: [...COMMON, 'trial', 'previous_results', 'previous_memory', 'new_result', 'memory_limit_words'],
    required: ['new_result'],
  },
} as const satisfies Record<Step, { allowed: readonly string[]; required: readonly string[] }>;

export type TemplateVars = Readonly<Record<string, string>>;

const VAR = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** A checked prompt template. */
export class PromptTemplate {
  readonly step: Step;
  readonly text: string;
  readonly source: string;
  readonly variables: readonly string[];

  constructor(step: Step, text: string, source: string) {
    const spec = TEMPLATE_VARIABLES[step];
    const allowed: readonly string[] = spec.allowed;
    const used = [...new Set([...text.matchAll(VAR)].map((m) => m[1] as string))];
    const unknown = used.filter((v) => !allowed.includes(v));
    if (unknown.length) {
      throw new TypeError(
        `${source}: unknown template variable${unknown.length > 1 ? 's' : ''} ${unknown.map((v) => `{{${v}}}`).join(', ')} ` +
          `(the ${step} template may use ${allowed.map((v) => `{{${v}}}`).join(', ')})`,
      );
    }
    const missing = spec.required.filter((v) => !used.includes(v));
    if (missing.length) throw new TypeError(`${source}: the ${step} template must contain ${missing.map((v) => `{{${v}}}`).join(', ')}`);
    this.step = step;
    this.text = text;
    this.source = source;
    this.variables = used;
  }

  /** Single pass: values are inserted verbatim, never expanded again. */
  render(vars: TemplateVars): string {
    return this.text.replace(VAR, (_m, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`${this.source}: no value for {{${name}}}`);
      return v;
    });
  }
}

export type PromptTemplates = Record<Step, PromptTemplate>;

export function defaultTemplates(): PromptTemplates {
  return {
    type: new PromptTemplate('type', DEFAULT_TYPE_TEMPLATE, 'built-in type template'),
    objects: new PromptTemplate('objects', DEFAULT_OBJECTS_TEMPLATE, 'built-in objects template'),
    shortlist: new PromptTemplate('shortlist', DEFAULT_SHORTLIST_TEMPLATE, 'built-in shortlist template'),
    memory: new PromptTemplate('memory', DEFAULT_MEMORY_TEMPLATE, 'built-in memory template'),
  };
}

/** Loads the templates a study overrides (paths relative to the config's folder); the others stay built in. */
export async function loadTemplates(files: PromptFiles, configDir: string): Promise<PromptTemplates> {
  const out = defaultTemplates();
  for (const step of ['type', 'objects', 'shortlist', 'memory'] as const) {
    const file = files[step];
    if (!file) continue;
    const path = isAbsolute(file) ? file : resolve(configDir, file);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new TypeError(`prompts.${step}: cannot read template ${path}: ${(e as Error).message}`);
    }
    out[step] = new PromptTemplate(step, text, `prompts.${step} (${path})`);
  }
  return out;
}
