import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCorpus, runCase } from './bad-inputs.js';

// Cases run inside the repo so the packages they name resolve from node_modules.
const WORK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bad-inputs');

describe('the bad-input corpus (test-fixtures/bad-inputs): exact error, exit code, nothing written', () => {
  const corpus = loadCorpus();
  it('has at least 60 cases with distinct names', () => {
    const names = corpus.flatMap((f) => f.cases.map((c) => c.name));
    expect(names.length).toBeGreaterThanOrEqual(60);
    expect(new Set(names).size).toBe(names.length);
  });
  for (const { file, cases } of corpus) {
    it(`${file}: ${cases.length} cases`, async () => {
      mkdirSync(WORK, { recursive: true });
      const recorded: unknown[] = [];
      for (const [i, c] of cases.entries()) {
        const r = await runCase(c, path.join(WORK, `${path.basename(file, '.yaml')}-${i}`));
        if (process.env['BAD_INPUTS_RECORD']) {
          recorded.push({ name: c.name, exit: r.code, error: r.error, wrote: JSON.stringify(r.after) !== JSON.stringify(r.before) });
          continue;
        }
        expect({ name: c.name, exit: r.code, error: r.error }).toEqual({ name: c.name, exit: c.exit, error: c.error.trimEnd() });
        expect(r.after, `case "${c.name}" wrote files`).toEqual(r.before);
        if (c.run.includes('--json')) expect(JSON.parse(r.out)).toMatchObject({ error: c.error.trimEnd().replace(/^lamdagent: /, ''), exitCode: c.exit });
      }
      if (process.env['BAD_INPUTS_RECORD']) writeFileSync(path.join(process.env['BAD_INPUTS_RECORD'], `${file}.json`), JSON.stringify(recorded, null, 2));
    });
  }
});
