#!/usr/bin/env node
// One merge with the built package, for merge.bench.mjs: prints {"seconds", "maxRssMB", "threads"} as JSON.
// usage: node run-ours.mjs CONFIG.yaml OUT_DIR [THREADS]
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { configToRequest, parseMergekitConfig, pathResolver, runMerge } from '../dist/index.js';

const [config, out, threads] = process.argv.slice(2);
const request = configToRequest(parseMergekitConfig(readFileSync(config, 'utf8'), config), pathResolver(dirname(config)));
const t0 = performance.now();
const r = await runMerge(request, { outputDir: out, ...(threads !== undefined ? { threads: Number(threads) } : {}) });
const seconds = (performance.now() - t0) / 1000;
const u = process.resourceUsage();
console.log(
  JSON.stringify({ seconds, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRssMB: u.maxRSS / 1024, threads: r.threads, inputBytes: r.inputBytes }),
);
