// node mrg.mjs METHOD W1,W2 OUT MODEL... : merges models over the shipped base (task vectors from it), for peek.mjs,
// e.g. node mrg.mjs task_arithmetic 0.7,0.7 /tmp/m /tmp/merge/e2-lr1e-3-t1000/s0/arith-light /tmp/merge/e2-lr1e-3-t1000/s0/rc-light
import { mergeCheckpoints } from '@lamdagent/action-ties';
const [method, w, out, ...models] = process.argv.slice(2);
const base = process.env.BASE ?? new URL('../../assets/base-model', import.meta.url).pathname;
await mergeCheckpoints({ merge: { method, weights: w.split(',').map(Number) }, base, models, outputDir: out, threads: 0 });
