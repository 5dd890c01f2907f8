// The smallest useful action plugin, written from docs/plugins.md: average two (toy-world) models.
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_API_VERSION, definePlugin, z } from '@lamdagent/core';
import { jobInputs } from '@lamdagent/core/kit';

const weights = (dir) => z.object({ w: z.array(z.number()) }).parse(JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'))).w;

export default definePlugin({
  name: 'avg2',
  version: '1.0.0',
  apiVersion: CORE_API_VERSION,
  provides: { actionTypes: ['avg2'], runners: ['avg2'] },
  register(r) {
    r.actionType({ type: 'avg2', description: 'average two models', runner: 'avg2', slots: [{ name: 'models', type: 'model', repeat: { min: 2, max: 2 } }] });
    r.runner({
      name: 'avg2',
      version: '1',
      async run(spec) {
        const [a, b] = jobInputs(spec, z.object({ models: z.array(z.string()).length(2) })).models.map(weights);
        writeFileSync(path.join(spec.outputDir, 'model.json'), JSON.stringify({ w: a.map((x, i) => (x + b[i]) / 2) }));
        return {};
      },
    });
  },
});
