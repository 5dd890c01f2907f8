import { describe, expect, it } from 'vitest';
import { grownWorld, ScriptedProvider, scriptedPolicy, selectionText, SFT_INDEX, TIES_INDEX } from './testing/helpers.js';
import { contextFor, finishTrial, indexOf, makeWorld } from './testing/world.js';

/** These tests script answers by index into the space's order: candidates listed as the space has them. */
const fixedOrder = (p: ScriptedProvider, options: Record<string, unknown> = {}) => scriptedPolicy(p, { candidateOrder: 'fixed', ...options });

describe('LLM policy behaviour', () => {
  it('skips the type step when only one action type is possible', async () => {
    const w = makeWorld();
    const p = new ScriptedProvider([`[[0, ${indexOf(w, SFT_INDEX, 1, 'ToolACE')}, 0]]`]);
    const sel = await (await fixedOrder(p)).select(contextFor(w));
    expect(p.requests).toHaveLength(1);
    expect(sel.action.inputs.map((o) => o.name)).toEqual(['gemma-2-2b-it', 'ToolACE', '1e-06']);
    expect(sel.transcript?.[0]).toEqual({ step: 'type', role: 'system', content: 'only sft is possible now: no type to choose' });
  });

  it('shows running actions and rejects picking one again', async () => {
    const w = grownWorld();
    const running = w.space.make(SFT_INDEX, [w.space.candidates(0, 0)[3]!, w.space.candidates(0, 1)[7]!, w.space.candidates(0, 2)[0]!]);
    const p = new ScriptedProvider(['[[0]]', '[[3, 7, 0]]', '[[3, 8, 0]]']);
    const sel = await (await fixedOrder(p)).select(contextFor(w, { pending: [running] }));
    expect(p.prompt(0)).toContain('# Running now\n- sft(0--2--0, ToolACE, 1e-06)');
    expect(p.prompt(2)).toContain('sft(0--2--0, ToolACE, 1e-06): this exact action is running right now');
    expect(sel.action.inputs.map((o) => o.name)).toEqual(['0--2--0', 'WizardLM', '1e-06']);
  });

  it('rejects repeating a finished action unless avoidRepeats is off', async () => {
    const w = grownWorld();
    const p = new ScriptedProvider(['[[0]]', '[[0, 2, 0]]', '[[0, 3, 0]]']);
    const sel = await (await fixedOrder(p)).select(contextFor(w));
    expect(p.prompt(2)).toContain('already ran in trial #2 (reward 0.6); running it again only returns the cached result');
    expect(sel.action.inputs[1]?.name).toBe('Agent instruct react');

    const q = new ScriptedProvider(['[[0]]', '[[0, 2, 0]]']);
    const again = await (await fixedOrder(q, { avoidRepeats: false })).select(contextFor(w));
    expect(again.action.key).toBe(w.history[2]?.action.key);
  });

  it('reports failed trials with error type and log tail, redacted', async () => {
    const w = grownWorld();
    const ties = w.space.atFor(TIES_INDEX, 0);
    finishTrial(w, ties, {
      error: {
        type: 'Timeout',
        message: 'job exceeded 3600 s',
        logExcerpt: `${'x'.repeat(1000)}\nstep 90/100 loss=nan\nHF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz`,
      },
    });
    const p = new ScriptedProvider(['[[0]]', '[[1, 1, 0]]']);
    await (await scriptedPolicy(p)).select(contextFor(w));
    const prompt = p.prompt(0);
    expect(prompt).toMatch(
      /# Recent failures\n- #3 ties_merging\(.*\) FAILED: Timeout: job exceeded 3600 s \| log: \.\.\.x+ step 90\/100 loss=nan HF_TOKEN=\[REDACTED\]/,
    );
    expect(prompt).toMatch(/1: ties_merging .*tried 1 time \(1 failed\)/);
    const logPart = /\| log: (.*)/.exec(prompt)?.[1] ?? '';
    expect(logPart.length).toBeLessThanOrEqual(240);
  });

  it('falls back over all actions when the type step fails, avoiding running ones, reproducibly', async () => {
    const w = grownWorld();
    const pending = [w.space.atFor(SFT_INDEX, 0)];
    const run = async () => {
      const p = new ScriptedProvider(['no idea', 'still none', 'sorry']);
      return (await scriptedPolicy(p)).select(contextFor(w, { pending, seed: 5 }));
    };
    const a = await run();
    const b = await run();
    expect(a.fallback).toMatch(/^type step: no usable answer in 3 replies \(last problem: no answer found.*\); fell back to a random action$/);
    expect(a.action.key).toBe(b.action.key);
    expect(a.action.key).not.toBe(pending[0]?.key);
    expect(selectionText(a)).toContain('[fallback/error]');
  });

  it('a provider exception is a fallback, but a stopped study aborts', async () => {
    const w = grownWorld();
    const failing = new ScriptedProvider(() => new Error('socket hang up'));
    const sel = await (await scriptedPolicy(failing)).select(contextFor(w));
    expect(sel.fallback).toMatch(/type step: provider error: Error: socket hang up; fell back/);

    const ac = new AbortController();
    ac.abort(new Error('study stopped'));
    await expect((await scriptedPolicy(failing)).select(contextFor(w, { signal: ac.signal }))).rejects.toThrow('study stopped');
  });

  it('keeps history bounded: best k, recent m, and a count of the rest', async () => {
    const w = grownWorld();
    for (let i = 0; i < 40; i++) finishTrial(w, w.space.atFor(SFT_INDEX, i + 10), { reward: ((i * 37) % 17) / 17 });
    const p = new ScriptedProvider(['[[0]]', '[[0, 0, 0]]', '[[0, 1, 0]]', '[[0, 4, 0]]']);
    await (await fixedOrder(p, { history: { best: 3, recent: 2 } })).select(contextFor(w));
    const prompt = p.prompt(1);
    expect(prompt).toContain('43 finished trials (43 complete); best reward 0.9412');
    expect(prompt.match(/^- #\d+ /gm)).toHaveLength(5);
    expect(prompt).toContain('(38 other trials not shown; produced models and their rewards are listed with the candidates.)');
    // Every produced model is still selectable.
    expect(prompt).toContain('List A (models, 44 candidates)');
    expect(prompt).toContain('43: 0--42--0');
  });

  it('updates memory after each finished trial, one at a time, capped, and restores it', async () => {
    const w = grownWorld();
    const long = `${'Lesson. '.repeat(400)}`;
    const p = new ScriptedProvider(['ToolACE helps.', long, '']);
    const policy = await scriptedPolicy(p, { memoryMaxChars: 300 });
    const [a, b] = await Promise.all([policy.observe!(w.history[0]!, contextFor(w)), policy.observe!(w.history[1]!, contextFor(w))]);
    expect(a).toMatchObject({ state: { memory: 'ToolACE helps.', updates: 1 } });
    expect(p.prompt(1)).toContain('# Your memory so far\nThe text between <memory> and </memory> is your own notes');
    expect(p.prompt(1)).toContain('<memory>\nToolACE helps.\n</memory>');
    const memory = (b as { state: { memory: string } }).state.memory;
    expect(memory.length).toBeLessThanOrEqual(300);
    expect(memory.endsWith('Lesson.…')).toBe(true);
    expect(p.prompt(0)).toContain('Stay under 42 words');

    const c = await policy.observe!(w.history[2]!, contextFor(w));
    expect(c).toMatchObject({
      state: { memory, updates: 2 },
      transcript: expect.arrayContaining([{ step: 'memory', role: 'error', content: 'empty memory reply; memory unchanged' }]),
    });

    const fresh = await scriptedPolicy(new ScriptedProvider([]));
    fresh.restore!((b as { state: never }).state);
    expect(fresh.memory).toBe(memory);
    expect(() => fresh.restore!({ version: 1, memory: 3 })).toThrow(/llm policy state: memory: /);
  });

  it('tells the memory step about a failure and whether a result is a new best', async () => {
    const w = grownWorld();
    const failed = finishTrial(w, w.space.atFor(TIES_INDEX, 1), {
      error: { type: 'RunnerError', message: 'tensor shapes differ', logExcerpt: 'KeyError: lm_head' },
    });
    const p = new ScriptedProvider(['TIES of these fails: shapes differ.', 'New best.']);
    const policy = await scriptedPolicy(p);
    const obs = await policy.observe!(failed, contextFor(w));
    expect(p.prompt(0)).toMatch(/# New result\n#3 ties_merging\(.*\) FAILED: RunnerError: tensor shapes differ \| log: KeyError: lm_head/);
    expect(obs).toMatchObject({ state: { memory: 'TIES of these fails: shapes differ.' } });
    const best = finishTrial(w, w.space.atFor(SFT_INDEX, 30), { reward: 0.9 });
    await policy.observe!(best, contextFor(w));
    expect(p.prompt(1)).toContain('This is a new best (previous best 0.6 at #2).');
    expect(p.prompt(1)).toContain('<memory>\nTIES of these fails: shapes differ.\n</memory>');
  });
});
