import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_API_VERSION, definePlugin, z, type ActionTypeDefinition, type Runner } from '@lamdagent/core';
import { jobInputs } from '@lamdagent/core/kit';

// Replace the method with yours. This one works on the toy world's models (model.json = { "w": number[] })
// so the generated tests run in milliseconds; a real runner writes a Hugging Face model folder into
// spec.outputDir (config.json, model.safetensors, tokenizer files): see docs/plugins.md.
export const actionType: ActionTypeDefinition = {
  type: '__NAME__',
  description: 'scale a model by a factor',
  runner: '__NAME__',
  slots: [
    { name: 'model', type: 'model' },
    { name: 'factor', type: 'number' },
  ],
};

export const runner: Runner = {
  name: '__NAME__',
  version: '1', // bump it when outputs would change: it is part of every action's content address
  async run(spec, ctx) {
    const { model, factor } = jobInputs(spec, z.object({ model: z.string(), factor: z.number() }));
    const file = path.join(model, 'model.json');
    const { w } = z.object({ w: z.array(z.number()) }).parse(JSON.parse(readFileSync(file, 'utf8')));
    mkdirSync(spec.outputDir, { recursive: true });
    writeFileSync(path.join(spec.outputDir, 'model.json'), JSON.stringify({ w: w.map((x) => x * factor) }));
    ctx.log(`scaled ${file} by ${factor}`);
    return { metrics: { factor } };
  },
};

export default definePlugin({
  name: '__PKG__',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  provides: { actionTypes: ['__NAME__'], runners: ['__NAME__'] },
  register(r) {
    r.actionType(actionType);
    r.runner(runner);
  },
});
