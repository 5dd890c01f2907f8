import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ChatHistoryItem, Llama, LlamaChatSession, LlamaContext, LlamaModel } from 'node-llama-cpp';
import { answerGrammar } from '../answer.js';
import { type ChatProvider, type ChatReply, type ChatRequest, ProviderError } from './types.js';

/** The exact node-llama-cpp release this provider is tested with (an optional peer dependency). */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

export interface LlamaCppProviderOptions {
  /** Absolute path of the .gguf file (never downloaded: it must exist). */
  modelPath: string;
  contextSize: number;
  /** CPU threads; undefined: node-llama-cpp's default (the machine's cores). */
  threads?: number;
  /** Layers offloaded to a GPU; 0 keeps everything on the CPU (no GPU backend is even probed). */
  gpuLayers: number;
  temperature: number;
  seed: number | null;
  maxOutputTokens: number;
}

type NodeLlamaCpp = typeof import('node-llama-cpp');

/** Why node-llama-cpp cannot be used here, or undefined when it resolves. Synchronous, for config checks. */
export function nodeLlamaCppProblem(): string | undefined {
  try {
    createRequire(import.meta.url).resolve('node-llama-cpp');
    return undefined;
  } catch {
    return `provider llama-cpp needs the optional package node-llama-cpp; install it with \`npm i -E node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\``;
  }
}

/** Why a model file cannot be used, or undefined. */
export function modelFileProblem(file: string): string | undefined {
  if (!existsSync(file)) return `model file ${file} does not exist (the llama-cpp provider never downloads models: put a .gguf file there)`;
  if (!statSync(file).isFile()) return `model ${file} is not a file`;
  return undefined;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  session: LlamaChatSession;
  lib: NodeLlamaCpp;
}

/** Loaded models shared by every provider of this process with the same settings (loaded once, freed by the last user). */
const shared = new Map<string, { refs: number; loaded: Promise<Loaded> }>();

/**
 * The last call queued on each shared model: providers sharing a model (two studies of one process with the
 * same settings, e.g. `lamdagent compare --parallel 2` with one agent model with and without constraints)
 * share its one context sequence, so their calls run one at a time in arrival order.
 */
const lanes = new Map<string, Promise<unknown>>();

/** How many models this process holds loaded right now (0 once every study using them has closed). */
export function loadedLlamaCppModels(): number {
  return shared.size;
}

function key(o: LlamaCppProviderOptions): string {
  return JSON.stringify([o.modelPath, o.contextSize, o.threads ?? null, o.gpuLayers, o.seed]);
}

async function load(o: LlamaCppProviderOptions): Promise<Loaded> {
  const problem = modelFileProblem(o.modelPath);
  if (problem) throw new ProviderError(problem, { retryable: false });
  let lib: NodeLlamaCpp;
  try {
    lib = await import('node-llama-cpp');
  } catch (e) {
    throw new ProviderError(nodeLlamaCppProblem() ?? `cannot load node-llama-cpp: ${(e as Error).message}`, { retryable: false, cause: e });
  }
  // build: 'never': only the prebuilt binaries from npm; nothing is downloaded or compiled at run time.
  const llama = await lib.getLlama({ gpu: o.gpuLayers > 0 ? 'auto' : false, build: 'never', logLevel: lib.LlamaLogLevel.error, progressLogs: false });
  try {
    const model = await llama.loadModel({ modelPath: o.modelPath, gpuLayers: o.gpuLayers });
    const context = await model.createContext({
      contextSize: o.contextSize,
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
      ...(o.seed !== null ? { seed: o.seed } : {}),
    });
    const session = new lib.LlamaChatSession({ contextSequence: context.getSequence(), autoDisposeSequence: false });
    return { llama, model, context, session, lib };
  } catch (e) {
    await llama.dispose();
    throw new ProviderError(`cannot load ${o.modelPath}: ${(e as Error).message}`, { retryable: false, cause: e });
  }
}

/**
 * An agent LLM running in this process through node-llama-cpp (llama.cpp): a local GGUF model, CPU by
 * default. The model loads on first use, once per process for the same settings, and is freed by `close`.
 * Selection answers are generated under a llama.cpp grammar built from the candidates, so they are
 * always well-formed and in range. Calls run one at a time (one context sequence), also across providers
 * sharing the model.
 */
export class LlamaCppProvider implements ChatProvider {
  readonly name = 'llama-cpp';
  readonly #o: LlamaCppProviderOptions;
  readonly #key: string;
  #loaded: Promise<Loaded> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(o: LlamaCppProviderOptions) {
    this.#o = o;
    this.#key = key(o);
  }

  #acquire(): Promise<Loaded> {
    if (this.#closed) return Promise.reject(new ProviderError('the llama-cpp provider is closed', { retryable: false }));
    if (!this.#loaded) {
      let entry = shared.get(this.#key);
      if (!entry) {
        entry = { refs: 0, loaded: load(this.#o) };
        shared.set(this.#key, entry);
        entry.loaded.catch(() => shared.delete(this.#key));
      }
      entry.refs++;
      this.#loaded = entry.loaded;
    }
    return this.#loaded;
  }

  /** Loads the model now (otherwise it loads on the first chat). */
  async warm(): Promise<void> {
    await this.#acquire();
  }

  chat(req: ChatRequest): Promise<ChatReply> {
    const k = this.#key;
    const run = (lanes.get(k) ?? Promise.resolve()).then(() => this.#chat(req));
    const tail = run.catch(() => undefined);
    lanes.set(k, tail);
    void tail.then(() => {
      if (lanes.get(k) === tail) lanes.delete(k);
    });
    this.#queue = tail;
    return run;
  }

  async #chat(req: ChatRequest): Promise<ChatReply> {
    req.signal.throwIfAborted();
    const { llama, model, session, lib } = await this.#acquire();
    const msgs = [...req.messages];
    const last = msgs.pop();
    if (!last || last.role !== 'user') throw new ProviderError("the last message of a chat must be the user's", { retryable: false });
    const history: ChatHistoryItem[] = msgs.map((m) =>
      m.role === 'assistant'
        ? { type: 'model', response: [m.content] }
        : m.role === 'system'
          ? { type: 'system', text: m.content }
          : { type: 'user', text: m.content },
    );
    session.setChatHistory(history);
    const grammar = req.answer ? new lib.LlamaGrammar(llama, { grammar: answerGrammar(req.answer) }) : undefined;
    const o = this.#o;
    let text: string;
    try {
      text = await session.prompt(last.content, {
        temperature: o.temperature,
        ...(o.seed !== null ? { seed: o.seed } : {}),
        maxTokens: o.maxOutputTokens,
        signal: req.signal,
        ...(grammar ? { grammar } : {}),
      });
    } catch (e) {
      if (req.signal.aborted) throw e;
      throw new ProviderError(`llama.cpp generation failed: ${(e as Error).message}`, { retryable: false, cause: e });
    }
    const full: ChatHistoryItem[] = [...history, { type: 'user', text: last.content }];
    const inputTokens = session.chatWrapper.generateContextState({ chatHistory: full }).contextText.tokenize(model.tokenizer).length;
    const outputTokens = model.tokenize(text).length;
    return { text, usage: { inputTokens, outputTokens }, ...(req.answer ? { constrained: true } : {}) };
  }

  /** Frees the model when this was its last user in the process. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const mine = this.#loaded;
    if (!mine) return;
    await this.#queue;
    const entry = shared.get(this.#key);
    if (!entry || entry.loaded !== mine) return;
    entry.refs--;
    if (entry.refs > 0) return;
    shared.delete(this.#key);
    const l = await mine.catch(() => undefined);
    if (l) await l.llama.dispose();
  }
}
