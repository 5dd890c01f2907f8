import { drawSplits } from '@lamdagent/world';
for (const t of ['arith', 'mc', 'rc', 'arith_ood', 'mc_ood', 'rc_ood']) {
  const items = drawSplits(t, 0, { trainSize: 1, valSize: 1000, testSize: 1000 }).test;
  const freq = new Map();
  for (const i of items) freq.set(i.answer, (freq.get(i.answer) ?? 0) + 1);
  const top = Math.max(...freq.values()) / items.length;
  console.log(t, 'best constant', top.toFixed(3), 'distinct answers', freq.size);
}
