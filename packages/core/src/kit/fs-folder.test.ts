import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestFolder } from './digest.js';
import { writeFolderAtomic } from './fs.js';

const root = mkdtempSync(join(tmpdir(), 'kit-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('digestFolder', () => {
  it("gives the digest recorded from the world's digestFolder (names and bytes, sorted, nested, empty folders ignored)", async () => {
    const dir = join(root, 'fixture');
    mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'config.json'), '{"a":1}\n');
    writeFileSync(join(dir, 'B.txt'), 'upper');
    writeFileSync(join(dir, 'a.txt'), '');
    writeFileSync(join(dir, 'sub', 'x.bin'), Buffer.from([0, 1, 2, 255]));
    writeFileSync(join(dir, 'sub', 'deeper', 'é.txt'), 'accent');
    writeFileSync(join(dir, 'sub.txt'), 'sibling of sub');
    expect(await digestFolder(dir)).toBe('6bbd1a04a8467abed6b59ef7c9ff760bddb883911bb8e875f6173ecf3108bae9');
    writeFileSync(join(dir, 'sub', 'x.bin'), Buffer.from([0, 1, 2, 254]));
    expect(await digestFolder(dir)).not.toBe('6bbd1a04a8467abed6b59ef7c9ff760bddb883911bb8e875f6173ecf3108bae9');
  });
});

describe('writeFolderAtomic', () => {
  const names = (): string[] => readdirSync(root).filter((n) => n.includes('model'));

  it('creates a folder, then replaces it whole, leaving no temporary sibling', async () => {
    const dir = join(root, 'model');
    await writeFolderAtomic(dir, async (tmp) => {
      await writeFile(join(tmp, 'a.txt'), 'one');
      await writeFile(join(tmp, 'stale.txt'), 'old');
    });
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('one');
    await writeFolderAtomic(dir, async (tmp) => {
      mkdirSync(join(tmp, 'sub'));
      await writeFile(join(tmp, 'sub', 'b.txt'), 'two');
    });
    expect(readdirSync(dir)).toEqual(['sub']);
    expect(readFileSync(join(dir, 'sub', 'b.txt'), 'utf8')).toBe('two');
    expect(names()).toEqual(['model']);
  });

  it('leaves the old folder as it was when fill throws', async () => {
    const dir = join(root, 'model');
    await expect(
      writeFolderAtomic(dir, async (tmp) => {
        await writeFile(join(tmp, 'half.txt'), 'x');
        throw new Error('fill failed');
      }),
    ).rejects.toThrow('fill failed');
    expect(readFileSync(join(dir, 'sub', 'b.txt'), 'utf8')).toBe('two');
    expect(existsSync(join(dir, 'half.txt'))).toBe(false);
    expect(names()).toEqual(['model']);
  });

  it('creates missing parents; durable: false still renames into place', async () => {
    const dir = join(root, 'deep', 'er', 'model');
    await writeFolderAtomic(dir, (tmp) => writeFile(join(tmp, 'c.txt'), 'three'), { durable: false });
    expect(readFileSync(join(dir, 'c.txt'), 'utf8')).toBe('three');
  });
});
