import { generateWorldData } from '@lamdagent/world';
const t = Date.now();
const c0 = process.cpuUsage();
const m = await generateWorldData('/tmp/w1/data-test', { seed: 0 });
const c = process.cpuUsage(c0);
console.log('data', Date.now() - t, 'ms wall', ((c.user + c.system) / 1e6).toFixed(2), 'cpu s', JSON.stringify(m.counts));
