import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TinyLM } from './model.js';

// Hugging Face's Rust `tokenizers` (the library behind Python's `tokenizers.Tokenizer.from_file`),
// through its Node binding, reads the tokenizer.json we write and agrees with our tokenizer.
interface HfEncoding {
  getIds(): number[];
}
interface HfTokenizer {
  encode(text: string): Promise<HfEncoding>;
  decode(ids: number[], skipSpecialTokens: boolean): Promise<string>;
  getVocabSize(withAddedTokens?: boolean): number;
}
let hf: { Tokenizer: { fromFile(file: string): HfTokenizer } } | undefined;
try {
  hf = createRequire(import.meta.url)('tokenizers') as typeof hf;
} catch {
  hf = undefined; // no prebuilt binding for this platform
}

describe.skipIf(hf === undefined)('tokenizer.json in Hugging Face tokenizers', () => {
  let dir: string;
  let model: TinyLM;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tinylm-hf-'));
    model = await TinyLM.init({ nEmbd: 8, nHead: 2, nLayer: 1, nPositions: 16 }, 1);
    await model.save(path.join(dir, 'm'));
  });
  afterAll(async () => {
    model.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads with Tokenizer.fromFile and encodes/decodes exactly like CharTokenizer', async () => {
    const tok = (hf as NonNullable<typeof hf>).Tokenizer.fromFile(path.join(dir, 'm', 'tokenizer.json'));
    expect(tok.getVocabSize(true)).toBe(model.config.vocabSize);
    for (const text of ['Q: 12+7=? A: [[19]]', 'tab\there\nnew line', 'unknown é ü', 'special <|eos|> inside', '']) {
      const ids = (await tok.encode(text)).getIds();
      expect(ids).toEqual(model.tokenizer.encode(text, true));
      expect(await tok.decode(ids, true)).toBe(model.tokenizer.decode(ids));
      expect(await tok.decode(ids, false)).toBe(model.tokenizer.decode(ids, false));
    }
  });
});
