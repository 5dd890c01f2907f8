import type { Factory, Policy, PolicyContext, Selection } from '@lamdagent/core';
import { z } from 'zod';

/** One step: a config action name and its inputs, each an initial object id (`models/0`) or `@n`, the model step n produced. */
export const ScriptStepSchema = z.object({ action: z.string(), inputs: z.array(z.string()) }).strict();
export const ScriptedOptionsSchema = z.object({ steps: z.array(ScriptStepSchema).min(1) }).strict();
export type ScriptedOptions = z.infer<typeof ScriptedOptionsSchema>;

/**
 * Plays a fixed list of actions (used by `lamdagent replay` to re-execute whole pipelines from their
 * initial models). Step n runs as trial n, so `@n` is the model of trial n.
 */
export class ScriptedPolicy implements Policy {
  readonly name = 'scripted';
  constructor(private readonly steps: ScriptedOptions['steps']) {}

  async select(ctx: PolicyContext): Promise<Selection> {
    const step = this.steps[ctx.iteration];
    if (!step) throw new Error(`scripted policy: no step ${ctx.iteration} (the script has ${this.steps.length})`);
    const b = ctx.space.bindings.findIndex((x) => x.name === step.action);
    if (b < 0) throw new Error(`scripted policy: step ${ctx.iteration}: no action named ${step.action}`);
    const inputs = step.inputs.map((id) => {
      const want = id.startsWith('@') ? `t${id.slice(1)}` : id;
      const o = ctx.pool.find((p) => p.id === want);
      if (!o) throw new Error(`scripted policy: step ${ctx.iteration}: input ${id} is not in the pool (did step ${id.slice(1)} fail?)`);
      return o;
    });
    return { action: ctx.space.make(b, inputs) };
  }
}

export const scriptedPolicyFactory: Factory<Policy, ScriptedOptions> = {
  name: 'scripted',
  description: 'plays a fixed list of actions (lamdagent replay)',
  optionsSchema: ScriptedOptionsSchema as unknown as z.ZodType<ScriptedOptions>,
  create: (o) => new ScriptedPolicy(o.steps),
};
