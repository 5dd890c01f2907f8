import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJournal } from './journal.js';
import { resumeStudy, runStudy } from './study-run.js';
import type { StudyEvent } from './study-services.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

describe('journal format 2: merge weights stay with the models they were chosen for', () => {
  it('writes format 2, keeps the chosen order, and on resume of a format-1 study says which trials ran in digest order', async () => {
    const w = makeToyWorld({ iterations: 8, policy: 'random' });
    writeFileSync(
      w.configPath,
      readFileSync(w.configPath, 'utf8')
        .replace('weights: [[0.5, 0.5]]', 'weights: [[0.7, 0.3]]')
        .replace('models: [models/base]', 'models: [models/base, models/base2]'),
    );
    mkdirSync(path.join(w.dir, 'models', 'base2'), { recursive: true });
    writeFileSync(path.join(w.dir, 'models', 'base2', 'model.json'), JSON.stringify({ w: [0.1, 0, 0] }));
    const out = path.join(w.dir, 'study');
    const s = await runStudy({ configPath: w.configPath, outDir: out });
    const journalFile = path.join(out, 'journal.jsonl');
    expect(readJournal(journalFile).header?.version).toBe(2);
    const merges = s.trials.filter((t) => t.action.name === 'ties_merging');
    expect(merges.length).toBeGreaterThan(0);

    // The same study as an earlier version wrote it: header version 1, every record else the same.
    const lines = readFileSync(journalFile, 'utf8').split('\n');
    lines[0] = lines[0]!.replace('"version":2', '"version":1');
    writeFileSync(journalFile, lines.join('\n'));
    expect(readJournal(journalFile).header?.version).toBe(1);
    const events: StudyEvent[] = [];
    const r = await resumeStudy({ dir: out, iterations: 9, onEvent: (e) => events.push(e) });
    expect(r.trials).toHaveLength(9);
    const notices = events.filter((e): e is Extract<StudyEvent, { type: 'notice' }> => e.type === 'notice');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain(`${merges.length} trial(s) ran their models in content-digest order`);
    for (const t of merges) expect(notices[0]!.message).toContain(`#${t.index} ties_merging(`);
    expect(notices[0]!.message).toContain('[0.7,0.3]');
    // Earlier trials keep their records (nothing rewritten, nothing re-run).
    expect(r.trials.slice(0, 8).map((t) => t.action.key)).toEqual(s.trials.map((t) => t.action.key));
  });

  it('says nothing on resume of a format-1 study whose merges all had equal weights', async () => {
    const w = makeToyWorld({ iterations: 4, policy: 'random' });
    const out = path.join(w.dir, 'study');
    await runStudy({ configPath: w.configPath, outDir: out });
    const journalFile = path.join(out, 'journal.jsonl');
    writeFileSync(journalFile, readFileSync(journalFile, 'utf8').replace('"version":2', '"version":1'));
    const events: StudyEvent[] = [];
    await resumeStudy({ dir: out, iterations: 5, onEvent: (e) => events.push(e) });
    expect(events.some((e) => e.type === 'notice')).toBe(false);
  });
});
