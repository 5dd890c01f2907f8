#!/usr/bin/env node
// Builds examples/quickstart/world with the mergeable specialists (issue 14; opt-in) for study-mergeable.yaml:
// the quickstart's world options plus `mergeable: {}` (cached: the steps the quickstart built are reused;
// the primer and the three light specialists train in about 20 s).
// Usage: node src/build-mergeable.mjs
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorld } from '@lamdagent/world';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line) => process.stderr.write(`${line}\n`);
const world = await buildWorld(path.join(root, 'world'), { seed: 0, interference: {}, lowFidelity: { fractions: [0.25] }, mergeable: {} }, { log });
log(`world ready: ${world.built.length ? `built ${world.built.join(', ')}` : 'all reused'}`);
log(`primer ${world.mergeable?.primer}`);
for (const [skill, dir] of Object.entries(world.mergeable?.specialists ?? {})) log(`${skill}-light ${dir}`);
