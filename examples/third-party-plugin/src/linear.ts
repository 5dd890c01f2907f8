import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z, type ActionTypeDefinition, type Runner } from '@lamdagent/core';
import { jobInputs } from '@lamdagent/core/kit';

// Models here are the toy world's: a folder with model.json = { "w": number[] }.
const readW = (dir: string): number[] => z.object({ w: z.array(z.number()) }).parse(JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'))).w;

export const linear: ActionTypeDefinition = {
  type: 'linear',
  description: 'weighted average of two or more models',
  runner: 'linear-ts',
  slots: [
    { name: 'models', type: 'model', repeat: { min: 2 } },
    { name: 'weights', type: 'json', perPosition: 'models' },
  ],
};

export const linearRunner: Runner = {
  name: 'linear-ts',
  version: '1',
  async run(spec, ctx) {
    const { models, weights } = jobInputs(spec, z.object({ models: z.array(z.string()), weights: z.array(z.number().positive()) }));
    if (weights.length !== models.length) throw new Error(`${weights.length} weights for ${models.length} models`);
    const total = weights.reduce((a, b) => a + b, 0);
    const ws = models.map(readW);
    const w = ws[0]!.map((_, j) => ws.reduce((a, m, i) => a + (weights[i]! / total) * m[j]!, 0));
    mkdirSync(spec.outputDir, { recursive: true });
    writeFileSync(path.join(spec.outputDir, 'model.json'), JSON.stringify({ w }));
    ctx.log(`merged ${models.length} models`);
    return {};
  },
};
