import { describe, expect, it } from 'vitest';
import { CharTokenizer, DEFAULT_CHARSET } from './tokenizer.js';

const ids = { bos: 1, eos: 2, pad: 0 };

describe('CharTokenizer', () => {
  const tok = CharTokenizer.fromCharset();

  it('has 4 special tokens then the charset', () => {
    expect(tok.vocabSize).toBe(4 + DEFAULT_CHARSET.length);
    expect([tok.padId, tok.bosId, tok.eosId, tok.unkId]).toEqual([0, 1, 2, 3]);
    expect(tok.token(4)).toBe('\n');
  });

  it('round-trips text and maps unknown characters to <|unk|>', () => {
    const text = 'Q: 12+7=? A: [[19]]\n';
    const enc = tok.encode(text, true);
    expect(enc[0]).toBe(tok.bosId);
    expect(enc.length).toBe(text.length + 1);
    expect(tok.decode(enc)).toBe(text);
    expect(tok.encode('é')).toEqual([tok.unkId]);
  });

  it('recognises special token strings in text, like Hugging Face added tokens', () => {
    expect(tok.encode('a<|eos|>b')).toEqual([tok.encode('a')[0], tok.eosId, tok.encode('b')[0]]);
    expect(tok.decode([tok.bosId, ...tok.encode('hi'), tok.eosId], false)).toBe('<|bos|>hi<|eos|>');
  });

  it('writes a tokenizers-format char-level BPE and reads it back', () => {
    const json = tok.toJSON() as {
      model: { type: string; merges: unknown[]; vocab: Record<string, number>; unk_token: string };
      decoder: unknown;
      added_tokens: unknown[];
      pre_tokenizer: unknown;
    };
    expect(json.model.type).toBe('BPE');
    expect(json.model.merges).toEqual([]);
    expect(json.model.unk_token).toBe('<|unk|>');
    expect(json.model.vocab[' ']).toBeDefined();
    expect(json.decoder).toEqual({ type: 'Fuse' });
    expect(json.pre_tokenizer).toBeNull();
    expect(json.added_tokens).toHaveLength(4);
    const back = CharTokenizer.fromJSON(JSON.stringify(json), ids);
    expect(back.vocabSize).toBe(tok.vocabSize);
    expect(back.encode('abc xyz', true)).toEqual(tok.encode('abc xyz', true));
  });

  it('rejects tokenizer.json files it cannot honour, naming the file and field', () => {
    const base = tok.toJSON() as Record<string, unknown> & { model: Record<string, unknown> };
    const bad = (patch: (j: typeof base) => void): string => {
      const j = JSON.parse(JSON.stringify(base)) as typeof base;
      patch(j);
      return JSON.stringify(j);
    };
    expect(() =>
      CharTokenizer.fromJSON(
        bad((j) => (j.model.merges = ['a b'])),
        ids,
        'x/tokenizer.json',
      ),
    ).toThrow(/x\/tokenizer\.json: model\.merges/);
    expect(() =>
      CharTokenizer.fromJSON(
        bad((j) => (j.model.type = 'WordPiece')),
        ids,
      ),
    ).toThrow(/tokenizer\.json: model\.type/);
    expect(() =>
      CharTokenizer.fromJSON(
        bad((j) => ((j.model.vocab as Record<string, number>)['ab'] = tok.vocabSize)),
        ids,
      ),
    ).toThrow(/model\.vocab: "ab" is not a single character/);
    expect(() =>
      CharTokenizer.fromJSON(
        bad((j) => (j.model.unk_token = null)),
        ids,
      ),
    ).toThrow(/model\.unk_token/);
    expect(() => CharTokenizer.fromJSON('{', ids)).toThrow(/tokenizer\.json: invalid JSON/);
    expect(() => CharTokenizer.fromJSON(JSON.stringify(base), { ...ids, eos: 10 })).toThrow(/eos token \(id 10\)/);
  });
});
