import { z } from 'zod';
import { choicePrompt, choiceLetter, functionCallPrompt, mathPrompt, openQaPrompt, readingPrompt } from './prompts.js';

/** An evaluation item built from a published record: what the suite scores, plus judge material. */
export interface BenchmarkItem {
  id: string;
  prompt: string;
  answer: string | number | (string | number)[];
  choices?: string[];
  /** MT-Bench: the question's category and reference answer (for the judge). */
  category?: string;
  reference?: string;
}

/** Extra data a benchmark keeps beside its main file (ACEBench answers, SocialIQA labels), by row. */
export type Companion = (row: Record<string, unknown>, index: number) => unknown;

export interface Benchmark {
  /** Loader name (`options.format` of a task). */
  name: string;
  /** Preset task names that read this schema by default. */
  tasks: readonly string[];
  /** The published source whose field names and nesting the schema follows. */
  source: string;
  schema: z.ZodType<Record<string, unknown>>;
  /** Rows of other kinds in a shared file (NumGLUE's eight types) are skipped. */
  keep?(row: Record<string, unknown>): boolean;
  /** Companion file beside the main one: `possible_answer/<name>` (ACEBench), `<stem>-labels.lst` (SocialIQA). */
  companion?: 'acebench-answers' | 'socialiqa-labels';
  toItem(row: Record<string, unknown>, index: number, extra: unknown): BenchmarkItem;
}

const Id = z.union([z.string().min(1), z.number()]).transform(String);
const Num = z.union([z.string().min(1), z.number()]);

const Gsm8k = z.object({ question: z.string().min(1), answer: z.string().min(1) });
const GsmSymbolic = z.object({ id: z.number().optional(), instance: z.number().optional(), question: z.string().min(1), answer: z.string().min(1) });
/** CommonsenseQA as on the Hugging Face hub (flat) or as released (question object with stem). */
const CqaHub = z.object({
  id: Id,
  question: z.string().min(1),
  choices: z.object({ label: z.array(z.string()).min(2), text: z.array(z.string()).min(2) }),
  answerKey: z.string().min(1),
});
const CqaRelease = z.object({
  id: Id,
  answerKey: z.string().min(1),
  question: z.object({ stem: z.string().min(1), choices: z.array(z.object({ label: z.string(), text: z.string() })).min(2) }),
});
const TriviaQa = z.object({
  question_id: Id,
  question: z.string().min(1),
  answer: z.object({ value: z.string(), aliases: z.array(z.string()), normalized_aliases: z.array(z.string()).optional() }),
  entity_pages: z.object({ wiki_context: z.array(z.string()) }),
  search_results: z.object({ search_context: z.array(z.string()) }).optional(),
});
const NumGlue = z.object({ question: z.string().min(1), answer: Num, type: z.string().optional() });
const SocialIqa = z.object({
  context: z.string().min(1),
  question: z.string().min(1),
  answerA: z.string(),
  answerB: z.string(),
  answerC: z.string(),
  label: z.union([z.enum(['1', '2', '3']), z.literal(1), z.literal(2), z.literal(3)]).optional(),
});
const NqOpen = z.object({ question: z.string().min(1), answer: z.array(z.string().min(1)).min(1) });
const AceBench = z.object({
  id: z.string().min(1),
  question: z.string().min(1),
  function: z.array(z.object({ name: z.string().min(1) }).loose()).min(1),
  time: z.string().optional(),
  ground_truth: z.unknown().optional(),
});
const MtBenchFastChat = z.object({
  question_id: Id,
  category: z.string(),
  turns: z.array(z.string().min(1)).min(1),
  reference: z.array(z.string()).optional(),
});

function mathItem(row: { question: string; answer: string | number }, id: string): BenchmarkItem {
  return { id, prompt: mathPrompt(row.question), answer: row.answer };
}

function numglue(type: 'Type_1' | 'Type_2', task: string): Benchmark {
  return {
    name: task,
    tasks: [task],
    source: `NumGLUE (allenai) JSON lines {question, answer, type}; rows of other types than ${type} are skipped`,
    schema: NumGlue,
    keep: (row) => row.type === undefined || row.type === type,
    toItem: (row, i) => mathItem(NumGlue.parse(row), `${task}-${i}`),
  };
}

/** `{"name","args"}` JSON of ACEBench's `ground_truth` (`{function name: {argument: value}}`), one call. */
export function aceGroundTruthCall(gt: unknown): string {
  const calls = Array.isArray(gt) ? gt : [gt];
  if (calls.length !== 1) throw new Error(`ground_truth: ${calls.length} calls; the normal single-function setting needs exactly one`);
  const call = calls[0];
  if (typeof call !== 'object' || call === null || Array.isArray(call)) throw new Error('ground_truth: not an object {function name: arguments}');
  const entries = Object.entries(call as Record<string, unknown>);
  if (entries.length !== 1) throw new Error(`ground_truth: names ${entries.length} functions; the normal single-function setting needs one`);
  const [name, args] = entries[0] as [string, unknown];
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new Error(`ground_truth.${name}: the arguments are not an object`);
  return JSON.stringify({ name, args });
}

export const BENCHMARKS: readonly Benchmark[] = [
  {
    name: 'gsm8k',
    tasks: ['gsm8k'],
    source: 'GSM8k (openai/gsm8k): {question, answer} where answer ends with "#### <number>"',
    schema: Gsm8k,
    toItem: (row, i) => mathItem(Gsm8k.parse(row), `gsm8k-${i}`),
  },
  {
    name: 'gsm_symbolic',
    tasks: ['gsm_symbolic'],
    source: 'GSM-Symbolic (apple/GSM-Symbolic): {id, instance, question, answer, original_id, ...}',
    schema: GsmSymbolic,
    toItem: (row, i) => {
      const r = GsmSymbolic.parse(row);
      return mathItem(r, r.id !== undefined ? `gsm_symbolic-${r.id}-${r.instance ?? 0}` : `gsm_symbolic-${i}`);
    },
  },
  numglue('Type_1', 'numglue1'),
  numglue('Type_2', 'numglue2'),
  {
    name: 'commonsenseqa',
    tasks: ['commonsenseqa'],
    source:
      'CommonsenseQA (tau/commonsense_qa): {id, question, choices: {label[], text[]}, answerKey}, or the release {id, answerKey, question: {stem, choices: [{label, text}]}}',
    schema: z.union([CqaHub, CqaRelease]) as z.ZodType<Record<string, unknown>>,
    toItem: (row) => {
      const hub = CqaHub.safeParse(row);
      const r = hub.success
        ? { id: hub.data.id, stem: hub.data.question, labels: hub.data.choices.label, texts: hub.data.choices.text, key: hub.data.answerKey }
        : (() => {
            const rel = CqaRelease.parse(row);
            const cs = rel.question.choices;
            return { id: rel.id, stem: rel.question.stem, labels: cs.map((c) => c.label), texts: cs.map((c) => c.text), key: rel.answerKey };
          })();
      const at = r.labels.indexOf(r.key);
      if (at < 0) throw new Error(`answerKey: ${r.key} is not one of the choice labels (${r.labels.join(', ')})`);
      return { id: r.id, prompt: choicePrompt(r.stem, r.texts), answer: choiceLetter(at), choices: r.texts };
    },
  },
  {
    name: 'social_iqa',
    tasks: ['social_iqa'],
    source: 'SocialIQA (allenai/social_i_qa): {context, question, answerA, answerB, answerC, label "1".."3"}; the release keeps labels in <split>-labels.lst',
    schema: SocialIqa,
    companion: 'socialiqa-labels',
    toItem: (row, i, extra) => {
      const r = SocialIqa.parse(row);
      const label = r.label ?? (extra as string | undefined);
      if (label === undefined) throw new Error('label: missing (and no <split>-labels.lst beside the file)');
      const n = Number(label);
      if (![1, 2, 3].includes(n)) throw new Error(`label: ${String(label)} is not 1, 2 or 3`);
      const choices = [r.answerA, r.answerB, r.answerC];
      return { id: `social_iqa-${i}`, prompt: choicePrompt(`${r.context.trim()} ${r.question.trim()}`, choices), answer: choiceLetter(n - 1), choices };
    },
  },
  {
    name: 'trivia_qa_w_context',
    tasks: ['trivia_qa_w_context'],
    source:
      'TriviaQA rc (mandarjoshi/trivia_qa): {question_id, question, answer: {value, aliases[]}, entity_pages: {wiki_context[]}, search_results: {search_context[]}}',
    schema: TriviaQa,
    toItem: (row) => {
      const r = TriviaQa.parse(row);
      const context = r.entity_pages.wiki_context.find((c) => c.trim() !== '') ?? r.search_results?.search_context.find((c) => c.trim() !== '');
      if (context === undefined) throw new Error('entity_pages.wiki_context: no evidence text (and no search_results.search_context)');
      const answers = [...new Set([r.answer.value, ...r.answer.aliases].filter((a) => a.trim() !== ''))];
      if (answers.length === 0) throw new Error('answer.value: empty, and answer.aliases has none');
      return { id: r.question_id, prompt: readingPrompt(context, r.question), answer: answers };
    },
  },
  {
    name: 'nq',
    tasks: ['nq'],
    source: 'Natural Questions, open version (google-research-datasets/nq_open): {question, answer[]}',
    schema: NqOpen,
    toItem: (row, i) => {
      const r = NqOpen.parse(row);
      return { id: `nq-${i}`, prompt: openQaPrompt(r.question), answer: r.answer };
    },
  },
  {
    name: 'acebench',
    tasks: ['acebench', 'acebench_normal'],
    source:
      'ACEBench normal single-turn (data_normal_single_turn_single_function.json): {id, question, function[], time}; answers in possible_answer/<same name> as {id, ground_truth: {function: {argument: value}}}',
    schema: AceBench as z.ZodType<Record<string, unknown>>,
    companion: 'acebench-answers',
    toItem: (row, _i, extra) => {
      const r = AceBench.parse(row);
      const gt = r.ground_truth ?? extra;
      if (gt === undefined) throw new Error(`ground_truth: missing (no answer with id ${r.id} in possible_answer/)`);
      return { id: r.id, prompt: functionCallPrompt(r.function, r.question, r.time), answer: aceGroundTruthCall(gt) };
    },
  },
  {
    name: 'mt_bench',
    tasks: ['mt_bench', 'mt_bench_turn1'],
    source: 'MT-Bench (FastChat question.jsonl): {question_id, category, turns[], reference[]?}; only turn 1 is asked',
    schema: MtBenchFastChat,
    toItem: (row) => {
      const r = MtBenchFastChat.parse(row);
      const reference = r.reference?.[0];
      return {
        id: r.question_id,
        prompt: r.turns[0] as string,
        answer: reference ?? '',
        category: r.category,
        ...(reference !== undefined ? { reference } : {}),
      };
    },
  },
];

/** The loader for a name (a loader's own name or a task name it serves). */
export function findBenchmark(name: string): Benchmark | undefined {
  return BENCHMARKS.find((b) => b.name === name || b.tasks.includes(name));
}
