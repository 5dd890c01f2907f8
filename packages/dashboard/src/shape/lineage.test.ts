import { pipelineOf, topK, TrialRecordSchema, type PipelineNode } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { trial } from './fixtures.js';
import { lineageGraph, pipelineLines, pipelineTrials, topTrials } from './lineage.js';

const base = { id: 'models/0', name: 'base', kind: 'models' };
const data = (n: string): { id: string; name: string; kind: string } => ({ id: `datasets/${n}`, name: `data/${n}.json`, kind: 'datasets' });
const model = (i: number): { id: string; name: string; kind: string } => ({ id: `t${i}`, name: `0--${i}--0`, kind: 'models' });

// 0: sft(base, a)  1: sft(base, b)  2: ties(base, t0, t1)  3: sft(t2, c)  4: failed sft(t0, broken)  5: cached = 0
const trials = [
  trial(0, { inputs: [base, data('a')], reward: 0.5 }),
  trial(1, { inputs: [base, data('b')], reward: 0.4 }),
  trial(2, {
    type: 'ties',
    inputs: [{ id: 'base_models/0', name: 'base', kind: 'base_models' }, model(0), model(1), { id: 'weights/0', name: '[0.5,0.5]', kind: 'weights' }],
    reward: 0.6,
  }),
  trial(3, { inputs: [model(2), data('c')], reward: 0.7 }),
  trial(4, { state: 'failed', inputs: [model(0), data('broken')] }),
  trial(5, { state: 'cached', cachedFrom: 0, inputs: [base, data('a')], reward: 0.5 }),
  trial(6, { inputs: [model(0), data('b')], reward: 0.7 }),
];

const flatten = (n: PipelineNode): number[] => [n.trial, ...n.from.flatMap(flatten)];

describe('lineage shaping', () => {
  it('the fixtures are valid trial records', () => {
    for (const t of trials) expect(TrialRecordSchema.parse(t)).toEqual(t);
  });

  it('ranks like core (complete only, reward desc, earlier trial on ties)', () => {
    expect(topTrials(trials, 3).map((t) => t.index)).toEqual(topK(trials, 3).map((t) => t.index));
    expect(topTrials(trials, 3).map((t) => t.index)).toEqual([3, 6, 2]);
  });

  it('a model pipeline has the same trials as core pipelineOf', () => {
    for (const t of topTrials(trials, 5)) expect(new Set(pipelineTrials(t, trials))).toEqual(new Set(flatten(pipelineOf(t, trials))));
    expect(pipelineTrials(trials[3]!, trials).sort()).toEqual([0, 1, 2, 3]);
  });

  it('builds one DAG for the top-k: shared ancestors once, sources for starting models, ranks on the top nodes', () => {
    const g = lineageGraph(trials, 2);
    expect(g.tops).toEqual([3, 6]);
    const ids = g.nodes.map((n) => n.id).sort();
    expect(ids).toEqual(['src:base_models/0', 'src:models/0', 't0', 't1', 't2', 't3', 't6'].sort());
    const edges = g.edges.map((e) => `${e.from}->${e.to}`).sort();
    expect(edges).toEqual(['src:base_models/0->t2', 'src:models/0->t0', 'src:models/0->t1', 't0->t2', 't0->t6', 't1->t2', 't2->t3'].sort());
    const n3 = g.nodes.find((n) => n.id === 't3')!;
    expect(n3).toMatchObject({ kind: 'trial', trial: 3, label: 'sft', details: ['data/c.json'], reward: 0.7, ranks: [1] });
    expect(g.nodes.find((n) => n.id === 't2')!.details).toEqual(['[0.5,0.5]']);
    expect(g.nodes.find((n) => n.id === 't6')!.ranks).toEqual([2]);
  });

  it('no completed trial, no graph; k larger than the trials is fine', () => {
    expect(lineageGraph([trial(0, { state: 'failed' })], 3)).toEqual({ nodes: [], edges: [], tops: [] });
    expect(lineageGraph(trials, 50).tops).toHaveLength(5);
  });

  it('pipeline lines walk from the final model to the starting one', () => {
    const lines = pipelineLines(trials[3]!, trials);
    expect(lines[0]).toMatchObject({ depth: 0, trial: 3, reward: 0.7 });
    expect(lines.filter((l) => l.trial !== undefined).map((l) => l.trial)).toEqual([3, 2, 0, 1]);
    expect(lines.some((l) => l.trial === undefined && l.text.startsWith('base'))).toBe(true);
  });
});
