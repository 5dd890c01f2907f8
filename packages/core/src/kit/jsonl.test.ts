import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonl } from './jsonl.js';

describe('readJsonl', () => {
  const S = z.object({ prompt: z.string(), completion: z.string() });
  it('reads a file or a dataset folder and names the file, line and field of a bad record', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'jsonl-'));
    mkdirSync(path.join(dir, 'ds'));
    writeFileSync(path.join(dir, 'ds', 'train.jsonl'), '{"prompt":"a","completion":"b"}\n\n{"prompt":"c","completion":"d"}\n');
    expect(readJsonl(path.join(dir, 'ds'), S)).toHaveLength(2);
    writeFileSync(path.join(dir, 'bad.jsonl'), '{"prompt":"a","completion":"b"}\n{"prompt":"a","completion":3}\n');
    expect(() => readJsonl(path.join(dir, 'bad.jsonl'), S)).toThrow(
      `${path.join(dir, 'bad.jsonl')}:2: completion: Invalid input: expected string, received number`,
    );
    writeFileSync(path.join(dir, 'worse.jsonl'), '{"prompt":\n');
    expect(() => readJsonl(path.join(dir, 'worse.jsonl'), S)).toThrow(/worse\.jsonl:1: not JSON/);
  });
});
