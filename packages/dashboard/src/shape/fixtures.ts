// Hand-made trial records for the shaping tests (valid against core's TrialRecordSchema).
import type { TrialRecord } from '../types.js';

export function trial(index: number, opts: Partial<TrialRecord> & { inputs?: { id: string; name: string; kind: string }[]; type?: string } = {}): TrialRecord {
  const { inputs, type, ...rest } = opts;
  const state = rest.state ?? 'complete';
  return {
    index,
    state,
    action: {
      name: type ?? 'sft',
      type: type ?? 'sft',
      key: `k${index}`,
      inputs: inputs ?? [
        { id: 'models/0', name: 'base', kind: 'models' },
        { id: 'datasets/0', name: 'data/a.json', kind: 'datasets' },
      ],
      params: {},
    },
    ...(state === 'complete' || state === 'cached'
      ? {
          produced: {
            id: state === 'cached' && rest.cachedFrom !== undefined ? `t${rest.cachedFrom}` : `t${index}`,
            name: `0--${index}--0`,
            path: `/s/artifacts/t${index}`,
          },
        }
      : {}),
    scores: {},
    startedAt: '2025-01-01T00:00:00.000Z',
    endedAt: '2025-01-01T00:00:10.000Z',
    durations: {},
    metrics: {},
    ...rest,
  };
}
