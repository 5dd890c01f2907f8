import { describe, expect, it } from 'vitest';
import { readShippedIndex } from './assets.js';
import { SHIPPED_BASE_MODEL } from './build.js';
import { digestFolder } from './index.js';

/**
 * The shipped base model's folder digest, recorded from the world's own `digestFolder` before it
 * moved into `@lamdagent/core/kit` (the initial model's digest in the science tables).
 */
describe('digestFolder', () => {
  it("gives the shipped base model's recorded digest", async () => {
    expect(await digestFolder(SHIPPED_BASE_MODEL)).toBe('47472f28b6f7752062182147b38a048648006a7e307dcdf0c902866301d997d5');
    expect((await readShippedIndex())?.baseFolderDigest).toBe('47472f28b6f7752062182147b38a048648006a7e307dcdf0c902866301d997d5');
  });
});
