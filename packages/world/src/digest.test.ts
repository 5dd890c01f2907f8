import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readShippedIndex } from './assets.js';
import { SHIPPED_BASE_MODEL } from './build.js';
import { digestFolder } from './digest.js';

/**
 * Golden folder digests, recorded from the world's `digestFolder` before it moved into
 * `@lamdagent/core/kit`. The base model's is the initial model's digest in the science tables.
 */
describe('digestFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'world-digest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the recorded digest of a small folder (names and bytes, sorted, nested, empty folders ignored)', async () => {
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'config.json'), '{"a":1}\n');
    writeFileSync(join(dir, 'B.txt'), 'upper');
    writeFileSync(join(dir, 'a.txt'), '');
    writeFileSync(join(dir, 'sub', 'x.bin'), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(dir, 'sub', 'deeper', 'é.txt'), 'accent');
    writeFileSync(join(dir, 'sub.txt'), 'sibling of sub');
    expect(await digestFolder(dir)).toBe('6bbd1a04a8467abed6b59ef7c9ff760bddb883911bb8e875f6173ecf3108bae9');
  });

  it("gives the shipped base model's recorded digest", async () => {
    expect(await digestFolder(SHIPPED_BASE_MODEL)).toBe('47472f28b6f7752062182147b38a048648006a7e307dcdf0c902866301d997d5');
    expect((await readShippedIndex())?.baseFolderDigest).toBe('47472f28b6f7752062182147b38a048648006a7e307dcdf0c902866301d997d5');
  });
});
