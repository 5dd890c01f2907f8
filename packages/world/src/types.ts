/** The three in-distribution skills (the paper's GSM8k, CommonsenseQA and TriviaQA analogues). */
export type SkillName = 'arith' | 'mc' | 'rc';

/** Every evaluation task of the world: the skills and their out-of-distribution variants. */
export type WorldTaskName = SkillName | 'arith_ood' | 'mc_ood' | 'rc_ood';

export type ScorerName = 'numeric' | 'choice' | 'exact';

/** One generated problem. */
export interface WorldItem {
  /** The prompt, ending with ` A:` (the model continues it). */
  prompt: string;
  /** The canonical answer without the leading space: `7`, `B`, `Rome`. */
  answer: string;
  /** Other answers that also count (e.g. `seven` for `7`). */
  aliases?: string[];
  /** Multiple choice: option texts, labelled A, B, C in order. */
  choices?: string[];
  /** Plausible wrong answers in the answer's form (the rejected side of preference pairs). */
  wrong: string[];
}

/** A generator of items of one task, drawing from a seeded stream. */
export type ItemGenerator = (rng: import('@lamdagent/core/kit').Rng) => WorldItem;

/** SFT example (JSON lines). The completion starts with a space and carries no EOS. */
export interface SftExample {
  prompt: string;
  completion: string;
}

/** Evaluation item (JSON lines). */
export interface EvalItem {
  id: string;
  prompt: string;
  /** The gold answer, or a list of accepted aliases (first is canonical). */
  answer: string | string[];
  /** Multiple choice only: option texts labelled A, B, C in order. */
  choices?: string[];
}

/** Preference pair for DPO (JSON lines): chosen is correct, rejected is a plausible wrong answer. */
export interface PreferenceExample {
  prompt: string;
  chosen: string;
  rejected: string;
}
