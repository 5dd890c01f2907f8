import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pluginConformance } from '@lamdagent/testkit';
import plugin from './index.js';

// The replay executor needs a table; the scripted policy a script (over the suite's tiny merge space).
const table = path.join(mkdtempSync(path.join(tmpdir(), 'science-conf-')), 'table.json');
writeFileSync(
  table,
  JSON.stringify({ kind: 'lamdagent-table', version: 1, fingerprint: 'f', config: 'c.yaml', createdAt: new Date(0).toISOString(), tasks: ['a'], entries: {} }),
);

pluginConformance(plugin, {
  factoryOptions: {
    replay: { table },
    scripted: { steps: [{ action: 'merge', inputs: ['k_models/0', 'k_models/1', 'k_w/0'] }] },
  },
});
