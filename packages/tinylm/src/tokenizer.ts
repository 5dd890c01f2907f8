/**
 * Character-level tokenizer stored in the Hugging Face `tokenizers` format: a BPE model with an empty
 * merges list (every token is one character), special tokens as added tokens, a post-processor that
 * prepends BOS and a `Fuse` decoder. `tokenizers.Tokenizer.from_file` loads what `toJSON` writes.
 */
import { z } from 'zod';
import { formatIssues } from './validate.js';

export const SPECIAL_TOKENS = { pad: '<|pad|>', bos: '<|bos|>', eos: '<|eos|>', unk: '<|unk|>' } as const;

/** Default alphabet: newline, tab and printable ASCII. */
export const DEFAULT_CHARSET = '\n\t' + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

const addedTokenSchema = z.looseObject({
  id: z.number().int().nonnegative(),
  content: z.string().min(1),
  special: z.boolean().default(false),
});

const tokenizerJsonSchema = z.looseObject({
  added_tokens: z.array(addedTokenSchema).default([]),
  normalizer: z.null({ message: 'normalizers are not supported (expected null)' }).optional(),
  pre_tokenizer: z.null({ message: 'pre-tokenizers are not supported (expected null)' }).optional(),
  model: z.looseObject({
    type: z.literal('BPE', { message: 'expected a character-level "BPE" model' }),
    vocab: z.record(z.string(), z.number().int().nonnegative()),
    merges: z.array(z.unknown()).max(0, { message: 'must be empty for a character-level tokenizer' }),
    unk_token: z.string().nullable().optional(),
  }),
});

/** Token ids of the special tokens, as named in config.json. */
export interface SpecialIds {
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
}

export class CharTokenizer {
  readonly vocabSize: number;
  readonly padId: number;
  readonly bosId: number;
  readonly eosId: number;
  readonly unkId: number;
  private readonly ids: Map<string, number>;
  private readonly specials: { content: string; id: number }[];

  private constructor(
    private readonly tokens: readonly string[],
    special: SpecialIds & { unk: number },
    specialIds: ReadonlySet<number>,
  ) {
    this.vocabSize = tokens.length;
    this.padId = special.pad;
    this.bosId = special.bos;
    this.eosId = special.eos;
    this.unkId = special.unk;
    this.ids = new Map(tokens.map((t, i) => [t, i]));
    this.specials = [...specialIds].map((id) => ({ content: tokens[id] as string, id }));
  }

  /** A tokenizer whose vocabulary is [pad, bos, eos, unk, ...the characters of `charset`]. */
  static fromCharset(charset: string = DEFAULT_CHARSET): CharTokenizer {
    const chars = [...new Set(Array.from(charset))];
    const specials = [SPECIAL_TOKENS.pad, SPECIAL_TOKENS.bos, SPECIAL_TOKENS.eos, SPECIAL_TOKENS.unk];
    return new CharTokenizer([...specials, ...chars], { pad: 0, bos: 1, eos: 2, unk: 3 }, new Set([0, 1, 2, 3]));
  }

  /** Parse and validate a `tokenizer.json`; `ids` are the special token ids from config.json. */
  static fromJSON(text: string, ids: SpecialIds, file = 'tokenizer.json'): CharTokenizer {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new Error(`${file}: invalid JSON (${(error as Error).message})`);
    }
    const parsed = tokenizerJsonSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`${file}: ${formatIssues(parsed.error.issues)}`);
    const { model, added_tokens: added } = parsed.data;
    const entries = Object.entries(model.vocab);
    const tokens: string[] = new Array<string>(entries.length);
    for (const [token, id] of entries) {
      if (id >= entries.length || tokens[id] !== undefined) {
        throw new Error(`${file}: model.vocab: ids must be unique and dense in [0, ${entries.length}) (bad id ${id} for ${JSON.stringify(token)})`);
      }
      tokens[id] = token;
    }
    const specialIds = new Set<number>();
    for (const [i, t] of added.entries()) {
      if (tokens[t.id] !== t.content) {
        throw new Error(`${file}: added_tokens.${i}: ${JSON.stringify(t.content)} must have id ${t.id} in model.vocab`);
      }
      if (t.special) specialIds.add(t.id);
    }
    const unkToken = model.unk_token;
    if (unkToken == null) throw new Error(`${file}: model.unk_token: required`);
    const unk = model.vocab[unkToken];
    if (unk === undefined) throw new Error(`${file}: model.unk_token: ${JSON.stringify(unkToken)} is not in model.vocab`);
    for (const [name, id] of [
      ['bos', ids.bos],
      ['eos', ids.eos],
      ['pad', ids.pad],
      ['unk', unk],
    ] as const) {
      if (!specialIds.has(id)) throw new Error(`${file}: added_tokens: the ${name} token (id ${id}) must be a special added token`);
    }
    for (const [id, token] of tokens.entries()) {
      if (!specialIds.has(id) && Array.from(token).length !== 1) {
        throw new Error(`${file}: model.vocab: ${JSON.stringify(token)} is not a single character (only character-level vocabularies are supported)`);
      }
    }
    return new CharTokenizer(tokens, { ...ids, unk }, specialIds);
  }

  /** Token ids of `text` (special token strings are recognised); BOS is prepended when `addBos`. */
  encode(text: string, addBos = false): number[] {
    const out: number[] = addBos ? [this.bosId] : [];
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i] as string;
      if (ch === '<') {
        const rest = chars.slice(i, i + 16).join('');
        const special = this.specials.find((s) => rest.startsWith(s.content));
        if (special) {
          out.push(special.id);
          i += Array.from(special.content).length - 1;
          continue;
        }
      }
      out.push(this.ids.get(ch) ?? this.unkId);
    }
    return out;
  }

  /** Text of `ids`; special tokens are skipped unless `skipSpecial` is false. */
  decode(ids: readonly number[], skipSpecial = true): string {
    let s = '';
    for (const id of ids) {
      if (skipSpecial && this.specials.some((t) => t.id === id)) continue;
      s += this.tokens[id] ?? '';
    }
    return s;
  }

  /** The token string of one id. */
  token(id: number): string | undefined {
    return this.tokens[id];
  }

  /** The `tokenizer.json` object (Hugging Face tokenizers format). */
  toJSON(): Record<string, unknown> {
    const bos = this.tokens[this.bosId] as string;
    const vocab: Record<string, number> = {};
    this.tokens.forEach((t, i) => (vocab[t] = i));
    return {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: this.specials.map((s) => ({
        id: s.id,
        content: s.content,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      })),
      normalizer: null,
      pre_tokenizer: null,
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
        pair: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { [bos]: { id: bos, ids: [this.bosId], tokens: [bos] } },
      },
      decoder: { type: 'Fuse' },
      model: {
        type: 'BPE',
        dropout: null,
        unk_token: this.tokens[this.unkId],
        continuing_subword_prefix: null,
        end_of_word_suffix: null,
        fuse_unk: false,
        byte_fallback: false,
        vocab,
        merges: [],
      },
    };
  }

  /** The `tokenizer_config.json` object. */
  toConfigJSON(maxLength: number): Record<string, unknown> {
    return {
      tokenizer_class: 'PreTrainedTokenizerFast',
      bos_token: this.tokens[this.bosId],
      eos_token: this.tokens[this.eosId],
      pad_token: this.tokens[this.padId],
      unk_token: this.tokens[this.unkId],
      model_max_length: maxLength,
      padding_side: 'left',
      clean_up_tokenization_spaces: false,
    };
  }
}
