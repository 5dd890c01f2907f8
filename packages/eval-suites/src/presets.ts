import type { ScorerName } from './scorers/index.js';

/** Defaults of a named benchmark task (the paper's `eval_tasks` names). */
export interface TaskPreset {
  name: string;
  scorer: ScorerName;
  maxNewTokens: number;
  /** Stop sequences (generation ends at the first one; the text from it on is dropped). */
  stop: string[];
  description: string;
}

/**
 * Presets for the paper's Experiment 1 tasks (Figure 11 `eval_tasks` names), their
 * out-of-distribution companions, and the embedded world's six tasks. They fix the scorer and the generation length; the data paths
 * must still be given in the task's options, because no dataset hub is reachable from here.
 */
export const TASK_PRESETS: Readonly<Record<string, TaskPreset>> = {
  gsm8k: { name: 'gsm8k', scorer: 'numeric', maxNewTokens: 256, stop: ['\n\n', 'Question:'], description: 'GSM8k: final number, exact numeric match' },
  commonsenseqa: { name: 'commonsenseqa', scorer: 'choice', maxNewTokens: 32, stop: ['\n'], description: 'CommonsenseQA: the last [[X]] names the choice' },
  trivia_qa_w_context: {
    name: 'trivia_qa_w_context',
    scorer: 'exact',
    maxNewTokens: 32,
    stop: ['\n'],
    description: 'TriviaQA with context: normalized exact match against the aliases',
  },
  gsm_symbolic: { name: 'gsm_symbolic', scorer: 'numeric', maxNewTokens: 256, stop: ['\n\n', 'Question:'], description: 'GSM-Symbolic: scored as GSM8k' },
  numglue1: { name: 'numglue1', scorer: 'numeric', maxNewTokens: 256, stop: ['\n\n', 'Question:'], description: 'NumGLUE type 1: scored as GSM8k' },
  numglue2: { name: 'numglue2', scorer: 'numeric', maxNewTokens: 256, stop: ['\n\n', 'Question:'], description: 'NumGLUE type 2: scored as GSM8k' },
  social_iqa: { name: 'social_iqa', scorer: 'choice', maxNewTokens: 32, stop: ['\n'], description: 'SocialIQA: scored as CommonsenseQA' },
  nq: { name: 'nq', scorer: 'exact', maxNewTokens: 32, stop: ['\n'], description: 'Natural Questions: scored as TriviaQA' },
  // The embedded world's tasks (@lamdagent/world): short answers, one line.
  arith: { name: 'arith', scorer: 'numeric', maxNewTokens: 6, stop: ['\n'], description: 'embedded world, GSM8k analogue' },
  arith_ood: { name: 'arith_ood', scorer: 'numeric', maxNewTokens: 6, stop: ['\n'], description: 'embedded world, GSM-Symbolic analogue' },
  mc: { name: 'mc', scorer: 'choice', maxNewTokens: 8, stop: ['\n'], description: 'embedded world, CommonsenseQA analogue' },
  mc_ood: { name: 'mc_ood', scorer: 'choice', maxNewTokens: 8, stop: ['\n'], description: 'embedded world, SocialIQA analogue' },
  rc: { name: 'rc', scorer: 'exact', maxNewTokens: 10, stop: ['\n'], description: 'embedded world, TriviaQA-with-context analogue' },
  rc_ood: { name: 'rc_ood', scorer: 'exact', maxNewTokens: 10, stop: ['\n'], description: 'embedded world, Natural Questions analogue' },
  // The embedded tools world (@lamdagent/world, Experiment 2 analogue): ACEBench-like function calls, MT-Bench-like judge.
  tool_call: {
    name: 'tool_call',
    scorer: 'toolcall',
    maxNewTokens: 64,
    stop: ['\n'],
    description: 'embedded tools world, ACEBench (normal) analogue: exact function call',
  },
  instruct: {
    name: 'instruct',
    scorer: 'judge',
    maxNewTokens: 40,
    stop: ['\n'],
    description: 'embedded tools world, MT-Bench analogue: rule-based judge, 1 to 10',
  },
};

export function findPreset(name: string): TaskPreset | undefined {
  return Object.hasOwn(TASK_PRESETS, name) ? TASK_PRESETS[name] : undefined;
}
