/**
 * The selection when the agent gives no usable answer: a seeded random action (of the chosen type
 * when there is one) that avoids running and, if possible, tried actions; the selection says why.
 */
import type { Action, Selection } from '@lamdagent/core';
import { avoidedKeys } from './exclude.js';
import type { StepScope } from './step.js';
import { formatAction } from './views.js';

/** A seeded random action (of the chosen type when there is one), avoiding running and, if possible, tried ones. */
export function fallbackSelection(s: StepScope, binding: number | undefined, reason: string): Selection {
  const { ctx, rec } = s;
  const avoid = binding === undefined ? new Set(ctx.pending.map((a) => a.key)) : new Set(avoidedKeys(ctx, binding, s.o.avoidRepeats).keys());
  if (binding === undefined && s.o.avoidRepeats) for (const t of ctx.history) avoid.add(t.action.key);
  const draw = (): Action => {
    if (binding !== undefined) return ctx.space.atFor(binding, ctx.rng.int(ctx.space.countFor(binding)));
    return ctx.space.at(ctx.rng.int(ctx.space.count()));
  };
  let action = draw();
  for (let i = 0; i < 64 && avoid.has(action.key); i++) action = draw();
  // Random draws can miss the few actions left in a large space: then walk it from a seeded start.
  if (avoid.has(action.key)) {
    const count = binding === undefined ? ctx.space.count() : ctx.space.countFor(binding);
    const at = (i: number): Action => (binding === undefined ? ctx.space.at(i) : ctx.space.atFor(binding, i));
    const start = ctx.rng.int(count);
    for (let i = 0; i < Math.min(count, 100_000); i++) {
      const a = at((start + i) % count);
      if (!avoid.has(a.key)) {
        action = a;
        break;
      }
    }
  }
  const scope = binding === undefined ? 'action' : `${ctx.space.bindings[binding]?.name} action`;
  const fallback = s.d.redact(`${reason}; fell back to a random ${scope}`);
  rec.transcript.push({ step: 'fallback', role: 'error', content: `${fallback}: ${formatAction(action)}` });
  return { action, fallback, transcript: rec.transcript, usage: rec.usage, ...(rec.answers.length ? { answers: rec.answers } : {}) };
}
