// node pre.mjs OUT docs [nEmbd] [nLayer] [lr]
import { pretrainBaseModel } from '@lamdagent/world';
const [out, docs, nEmbd = '64', nLayer = '4', lr = '5e-3'] = process.argv.slice(2);
const t0 = Date.now();
const r = await pretrainBaseModel(
  out,
  { seed: 0, documents: Number(docs), nEmbd: Number(nEmbd), nLayer: Number(nLayer), learningRate: Number(lr) },
  {
    onProgress: (p) => {
      if (p.step % 200 === 0)
        console.error(
          `step ${p.step}/${p.totalSteps} loss ${p.loss.toFixed(3)} ${Math.round(p.tokensPerSecond)} tok/s ${((Date.now() - t0) / 1000).toFixed(0)} s`,
        );
    },
  },
);
console.log(JSON.stringify(r));
