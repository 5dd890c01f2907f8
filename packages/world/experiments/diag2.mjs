import { generate, TinyLM } from './lib.mjs';
import { PEOPLE, THINGS } from '@lamdagent/world';
import { Rng } from '@lamdagent/core/kit';
const model = await TinyLM.load(process.argv[2] ?? '../assets/base-model');
const rng = new Rng(5);
const ps = [];
const ans = [];
for (let i = 0; i < 150; i++) {
  const p = rng.pick(PEOPLE),
    t = rng.pick(THINGS),
    a = rng.range(2, 12),
    b = rng.range(1, 9);
  ps.push(`${p} has ${a} ${t} and gets ${b} more, so ${p} has`);
  ans.push(String(a + b));
}
const o = await generate(model, ps, { maxNewTokens: 4, stop: ['\n'] });
console.log('narrative add', o.filter((x, k) => x.trim().split(' ')[0] === ans[k]).length / 150, ps[0], '->', o[0]);
model.dispose();
