// Claims a shared-cache key, leaves a half-written entry in tmp/, then waits to be killed (kill -9 test).
// node cache-hold.mjs CACHE_DIR KEY
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ActionCache } from '../dist/index.js';

const [root, key] = process.argv.slice(2);
const cache = new ActionCache(root);
const got = await cache.claim(key);
if (!('lease' in got)) throw new Error('expected a lease');
const tmp = path.join(root, 'tmp', `${key}.half`);
mkdirSync(path.join(tmp, 'model'), { recursive: true });
writeFileSync(path.join(tmp, 'entry.json'), '{"version":1,"key":"');
process.stdout.write('holding\n');
setInterval(() => undefined, 1000);
