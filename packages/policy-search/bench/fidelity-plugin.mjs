// A bench-only plugin for the multi-fidelity figure: `sized-sft` is the toy plugin's SFT (a model is a
// 3-vector moved toward its dataset's target) where the dataset's `size` sets both the cost (the
// runner sleeps `size` × 0.3 ms: 1,000 items 300 ms, a quarter sample 75 ms) and how far one step
// goes (lr × size / (size + 500)), so a step on a fraction of the data ranks steps as the full step does,
// for a fraction of the compute.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const readVec = (p) => JSON.parse(readFileSync(path.join(p, 'model.json'), 'utf8')).w;

export default {
  name: 'bench-fidelity-plugin',
  version: '1.0.0',
  apiVersion: 1,
  provides: { actionTypes: ['sized-sft'], runners: ['sized-train'] },
  register(r) {
    r.actionType({
      type: 'sized-sft',
      description: 'move a model toward a dataset target; cost and step grow with the dataset size',
      slots: [
        { name: 'model', type: 'model' },
        { name: 'dataset', type: 'dataset' },
        { name: 'learning_rate', type: 'number' },
      ],
      runner: 'sized-train',
    });
    r.runner({
      name: 'sized-train',
      version: '1',
      async run(spec) {
        const [model, dataset, lr] = spec.inputs;
        const data = JSON.parse(readFileSync(dataset.value, 'utf8'));
        await new Promise((res) => setTimeout(res, data.size * 0.3));
        const step = lr.value * (data.size / (data.size + 500));
        const w = readVec(model.value).map((x, i) => x + step * (data.target[i] - x));
        mkdirSync(spec.outputDir, { recursive: true });
        writeFileSync(path.join(spec.outputDir, 'model.json'), JSON.stringify({ w }));
        return { metrics: { items: data.size } };
      },
    });
  },
};
