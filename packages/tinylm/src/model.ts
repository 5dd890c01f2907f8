/** The TinyLM model object: config, tokenizer and parameters, with init / load / save / dispose. */
import { initBackend } from './backend.js';
import { DEFAULT_SIZES, checkConfig, type GPT2Config, type TinyLMSizes } from './config.js';
import { loadModelFolder, saveModelFolder } from './io.js';
import { ParamStore } from './params.js';
import { CharTokenizer, DEFAULT_CHARSET } from './tokenizer.js';

/** Options of `TinyLM.init`: architecture sizes plus the character set of the vocabulary. */
export interface TinyLMInitOptions extends TinyLMSizes {
  /** Characters of the vocabulary (default: newline, tab and printable ASCII); 4 special tokens are added. */
  charset?: string;
}

export class TinyLM {
  private disposed = false;

  private constructor(
    readonly config: GPT2Config,
    readonly tokenizer: CharTokenizer,
    private readonly store: ParamStore,
  ) {}

  /** A freshly initialised model (GPT-2 initialisation, seeded). */
  static async init(options: TinyLMInitOptions = {}, seed = 0): Promise<TinyLM> {
    await initBackend();
    const tokenizer = CharTokenizer.fromCharset(options.charset ?? DEFAULT_CHARSET);
    const nEmbd = options.nEmbd ?? DEFAULT_SIZES.nEmbd;
    const config = checkConfig(
      {
        vocabSize: tokenizer.vocabSize,
        nPositions: options.nPositions ?? DEFAULT_SIZES.nPositions,
        nEmbd,
        nLayer: options.nLayer ?? DEFAULT_SIZES.nLayer,
        nHead: options.nHead ?? DEFAULT_SIZES.nHead,
        nInner: options.nInner ?? 4 * nEmbd,
        layerNormEpsilon: options.layerNormEpsilon ?? DEFAULT_SIZES.layerNormEpsilon,
        initializerRange: options.initializerRange ?? DEFAULT_SIZES.initializerRange,
        bosTokenId: tokenizer.bosId,
        eosTokenId: tokenizer.eosId,
        padTokenId: tokenizer.padId,
      },
      'TinyLM.init',
    );
    return new TinyLM(config, tokenizer, ParamStore.init(config, seed));
  }

  /** Load a model folder in the Hugging Face layout (config.json, model.safetensors or shards, tokenizer.json). */
  static async load(dir: string): Promise<TinyLM> {
    await initBackend();
    const { config, tokenizer, flat } = await loadModelFolder(dir);
    return new TinyLM(config, tokenizer, new ParamStore(config, flat));
  }

  /** Write the model folder (atomically: files are renamed into place only when complete). */
  async save(dir: string): Promise<void> {
    this.assertLive();
    await saveModelFolder(dir, this.config, this.tokenizer, this.store);
  }

  /** Number of stored parameters (the tied LM head is counted once). */
  get parameterCount(): number {
    return this.store.size;
  }

  /** An independent copy (same config and tokenizer, copied weights). */
  clone(): TinyLM {
    this.assertLive();
    return new TinyLM(this.config, this.tokenizer, this.store.clone(this.config));
  }

  /** A copy of one parameter's values by its Hugging Face name (e.g. "transformer.wte.weight"). */
  parameter(name: string): Float32Array {
    this.assertLive();
    return this.store.view(name).slice();
  }

  /** All parameter names (Hugging Face order) with their shapes. */
  parameterShapes(): { name: string; shape: number[] }[] {
    return this.store.specs.map((s) => ({ name: s.name, shape: [...s.shape] }));
  }

  /** Mark the model as released; it cannot be used afterwards (its buffer is left to the garbage collector). */
  dispose(): void {
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal The parameter store (used by the trainers). */
  paramStore(): ParamStore {
    this.assertLive();
    return this.store;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error('tinylm: this model has been disposed');
  }
}
