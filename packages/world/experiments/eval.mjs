// node eval.mjs MODEL [n=1000] [split=validation] [seed=0]: accuracy on the six tasks, CPU seconds.
import { acc, TinyLM, drawSplits } from './lib.mjs';
const [dir, n = '1000', split = 'validation', seed = '0'] = process.argv.slice(2);
const model = await TinyLM.load(dir);
const row = {};
const c0 = process.cpuUsage();
const w0 = Date.now();
for (const t of ['arith', 'mc', 'rc', 'arith_ood', 'mc_ood', 'rc_ood']) {
  const items = drawSplits(t, Number(seed), { trainSize: 1, valSize: 1000, testSize: 1000 })[split].slice(0, Number(n));
  row[t] = Number((await acc(model, t, items)).acc.toFixed(3));
}
const c = process.cpuUsage(c0);
console.log(dir, split, JSON.stringify(row), 'cpu', ((c.user + c.system) / 1e6).toFixed(1), 'wall', ((Date.now() - w0) / 1000).toFixed(1));
