import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_OBJECTS_TEMPLATE, DEFAULT_SHORTLIST_TEMPLATE, DEFAULT_TYPE_TEMPLATE } from './default-prompts.js';
import { defaultTemplates, loadTemplates, PromptTemplate, TEMPLATE_VARIABLES } from './templates.js';

describe('prompt templates', () => {
  it('the built-in templates use only documented variables and keep the paper structure', () => {
    expect(Object.keys(defaultTemplates())).toEqual(['type', 'objects', 'shortlist', 'memory']);
    expect(DEFAULT_TYPE_TEMPLATE).toMatch(/Reflections[\s\S]*Action types[\s\S]*Keep exploring[\s\S]*neutral[\s\S]*\[\[0\]\]/);
    expect(DEFAULT_OBJECTS_TEMPLATE).toContain('{{object_lists}}');
    expect(TEMPLATE_VARIABLES.objects.required).toEqual(['object_lists']);
    expect(DEFAULT_SHORTLIST_TEMPLATE).toMatch(/Reflections[\s\S]*\{\{proposals\}\}[\s\S]*neutral[\s\S]*\[\[0\]\]/);
  });

  it('renders variables once, verbatim', () => {
    const t = new PromptTemplate('type', 'A {{ memory }} B {{action_types}}', 'test');
    expect(t.render({ memory: '{{action_types}}', action_types: 'X' })).toBe('A {{action_types}} B X');
  });

  it('rejects unknown and missing variables, naming the template', () => {
    expect(() => new PromptTemplate('type', '{{action_types}} {{reflections}}', 'prompts.type (x.txt)')).toThrow(
      /prompts\.type \(x\.txt\): unknown template variable \{\{reflections\}\}/,
    );
    expect(() => new PromptTemplate('objects', 'pick something', 'prompts.objects')).toThrow(/must contain \{\{object_lists\}\}/);
  });

  it('loads overrides relative to the config folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'policy-llm-'));
    await writeFile(join(dir, 'type.md'), 'Choose: {{action_types}}\nMemory: {{memory}}');
    const t = await loadTemplates({ type: 'type.md' }, dir);
    expect(t.type.text).toBe('Choose: {{action_types}}\nMemory: {{memory}}');
    expect(t.objects.source).toBe('built-in objects template');
    await expect(loadTemplates({ memory: 'missing.md' }, dir)).rejects.toThrow(/^prompts\.memory: cannot read template/);
  });
});
