import { generate, TinyLM, drawSplits } from './lib.mjs';
import { WORLD_TASKS } from '@lamdagent/world';
const model = await TinyLM.load(process.argv[2] ?? '../assets/base-model');
for (const t of ['arith', 'mc', 'rc']) {
  const items = drawSplits(t, 0, { trainSize: 1, valSize: 1, testSize: 1000 }).test;
  const c0 = process.cpuUsage();
  const w0 = Date.now();
  await generate(
    model,
    items.map((i) => i.prompt),
    { maxNewTokens: WORLD_TASKS[t].maxNewTokens, stop: ['\n'] },
  );
  const c = process.cpuUsage(c0);
  console.log(t, 'cpu s', ((c.user + c.system) / 1e6).toFixed(1), 'wall s', ((Date.now() - w0) / 1000).toFixed(1));
}
