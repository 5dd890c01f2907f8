import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { setThreads } from '../backend.js';
import { trainedFingerprint, type TrainedFingerprint } from '../test-helpers.js';
import { rt, spinPolls } from './runtime.js';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasToolchain = ['clang', 'wasm-ld'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

describe('WebAssembly kernels', () => {
  it.skipIf(!hasToolchain && process.env.CI !== 'true')('the committed src/kernels-wasm.ts matches a rebuild of native/*.c', () => {
    if (!hasToolchain) console.log('skipped: clang and wasm-ld (Debian clang, lld) are not installed');
    expect(hasToolchain, 'clang and wasm-ld must be installed in CI (scripts/ci/wasm-toolchain.sh)').toBe(true);
    const r = spawnSync('bash', [path.join(pkg, 'native', 'build.sh'), '--check'], { encoding: 'utf8' });
    if (r.status === 3) {
      console.log(`not compared: ${r.stderr.trim()}`); // another compiler version emits other (equally valid) bytes
      return;
    }
    expect(r.stderr + r.stdout).toMatch(/matches a rebuild/);
    expect(r.status).toBe(0);
  });

  it('two threads give bit-for-bit the results of one: SFT and DPO weights, scores, generations', async () => {
    const run = async (threads: number, spin?: string): Promise<TrainedFingerprint> => {
      if (spin === undefined) delete process.env.LAMDAGENT_TINYLM_SPIN;
      else process.env.LAMDAGENT_TINYLM_SPIN = spin;
      await setThreads(threads);
      expect(rt().threads).toBe(threads);
      return trainedFingerprint();
    };
    try {
      const one = await run(1);
      const two = await run(2);
      expect(two.weights.equals(one.weights)).toBe(true);
      expect(two.scores).toEqual(one.scores);
      expect(two.outputs).toEqual(one.outputs);
      // Two threads that sleep at once (no polling first) give the same bits too.
      const sleeping = await run(2, '0');
      expect(sleeping.weights.equals(one.weights)).toBe(true);
      expect(sleeping.outputs).toEqual(one.outputs);
    } finally {
      delete process.env.LAMDAGENT_TINYLM_SPIN;
      await setThreads(2);
    }
  });

  it('LAMDAGENT_TINYLM_SPIN: polls before a kernel thread sleeps (default 20,000); a bad value names the variable', () => {
    try {
      delete process.env.LAMDAGENT_TINYLM_SPIN;
      expect(spinPolls()).toBe(20_000);
      process.env.LAMDAGENT_TINYLM_SPIN = '0';
      expect(spinPolls()).toBe(0);
      for (const bad of ['-1', '1.5', 'fast']) {
        process.env.LAMDAGENT_TINYLM_SPIN = bad;
        expect(() => spinPolls()).toThrow(`LAMDAGENT_TINYLM_SPIN must be a non-negative integer, got "${bad}"`);
      }
    } finally {
      delete process.env.LAMDAGENT_TINYLM_SPIN;
    }
  });
});
