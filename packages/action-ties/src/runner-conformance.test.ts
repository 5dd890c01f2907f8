import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runnerConformance } from '@lamdagent/testkit';
import { createMethodRunner, getMergeMethod, tiesActionType } from './index.js';
import { ARCH, floatValues, writeModel } from './test-models.js';

// testkit's behavioural runner suite on the TIES runner: a real merge of three safetensors checkpoints
// into a Hugging Face folder (its default loadability check), bad inputs as data, determinism.
runnerConformance(createMethodRunner(getMergeMethod('ties')), {
  good: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ties-conformance-'));
    const base = floatValues(ARCH, 1);
    await writeModel(join(dir, 'base'), ARCH, base);
    await writeModel(join(dir, 'a'), ARCH, floatValues(ARCH, 2, base));
    await writeModel(join(dir, 'b'), ARCH, floatValues(ARCH, 3, base));
    return {
      runner: 'ties-ts',
      actionType: 'ties',
      params: tiesActionType.paramsSchema!.parse({}),
      inputs: [
        { slot: 'base_model', type: 'model', value: join(dir, 'base') },
        { slot: 'models', type: 'model', value: join(dir, 'a') },
        { slot: 'models', type: 'model', value: join(dir, 'b') },
        { slot: 'weights', type: 'json', value: [0.5, 0.5] },
        { slot: 'density', type: 'number', value: 0.5 },
      ],
    };
  },
});
