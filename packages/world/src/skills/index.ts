import type { ItemGenerator, ScorerName, SkillName, WorldTaskName } from '../types.js';
import { arithItem, arithOodItem } from './arith.js';
import { mcItem, mcOodItem } from './mc.js';
import { rcItem, rcOodItem } from './rc.js';

/** What a world task is and how it is scored. */
export interface WorldTaskInfo {
  name: WorldTaskName;
  /** The skill it measures. */
  skill: SkillName;
  /** An out-of-distribution variant (evaluation only: validation and test splits, no train split). */
  ood: boolean;
  /** The `@lamdagent/eval-suites` scorer that scores it. */
  scorer: ScorerName;
  /** The paper's benchmark it stands in for. */
  analogue: string;
  /** Enough new tokens (characters) for any answer of the task, with a little slack. */
  maxNewTokens: number;
  description: string;
}

/** An in-distribution skill: its task and its out-of-distribution variant. */
export interface WorldSkillInfo {
  name: SkillName;
  scorer: ScorerName;
  analogue: string;
  /** The task name of its out-of-distribution variant. */
  ood: WorldTaskName;
  oodAnalogue: string;
}

export const WORLD_SKILLS: Readonly<Record<SkillName, WorldSkillInfo>> = {
  arith: { name: 'arith', scorer: 'numeric', analogue: 'gsm8k', ood: 'arith_ood', oodAnalogue: 'gsm_symbolic' },
  mc: { name: 'mc', scorer: 'choice', analogue: 'commonsenseqa', ood: 'mc_ood', oodAnalogue: 'social_iqa' },
  rc: { name: 'rc', scorer: 'exact', analogue: 'trivia_qa_w_context', ood: 'rc_ood', oodAnalogue: 'nq' },
};

export const SKILL_NAMES: readonly SkillName[] = ['arith', 'mc', 'rc'];

export const WORLD_TASKS: Readonly<Record<WorldTaskName, WorldTaskInfo>> = {
  arith: {
    name: 'arith',
    skill: 'arith',
    ood: false,
    scorer: 'numeric',
    analogue: 'gsm8k',
    maxNewTokens: 6,
    description: 'one-step word problems (add or take away), answered with the final number',
  },
  arith_ood: {
    name: 'arith_ood',
    skill: 'arith',
    ood: true,
    scorer: 'numeric',
    analogue: 'gsm_symbolic',
    maxNewTokens: 6,
    description: 'new problem templates (a box, past tense, two people, two steps) and larger numbers',
  },
  mc: {
    name: 'mc',
    skill: 'mc',
    ood: false,
    scorer: 'choice',
    analogue: 'commonsenseqa',
    maxNewTokens: 8,
    description: 'which word is in a category, which number is even, odd or the largest; answered as [[X]]',
  },
  mc_ood: {
    name: 'mc_ood',
    skill: 'mc',
    ood: true,
    scorer: 'choice',
    analogue: 'social_iqa',
    maxNewTokens: 8,
    description: 'what a person in some state needs, which word is not in a category, which goes with a word, the smallest number',
  },
  rc: {
    name: 'rc',
    skill: 'rc',
    ood: false,
    scorer: 'exact',
    analogue: 'trivia_qa_w_context',
    maxNewTokens: 10,
    description: 'two facts about two people, a question about one of them, answered from the context',
  },
  rc_ood: {
    name: 'rc_ood',
    skill: 'rc',
    ood: true,
    scorer: 'exact',
    analogue: 'nq',
    maxNewTokens: 10,
    description: 'facts and questions in other words, and the inverse question (who has this value?)',
  },
};

export const TASK_NAMES: readonly WorldTaskName[] = ['arith', 'mc', 'rc', 'arith_ood', 'mc_ood', 'rc_ood'];

export const GENERATORS: Readonly<Record<WorldTaskName, ItemGenerator>> = {
  arith: arithItem,
  arith_ood: arithOodItem,
  mc: mcItem,
  mc_ood: mcOodItem,
  rc: rcItem,
  rc_ood: rcOodItem,
};

/** The SFT completion for an answer: ` 7`, ` Rome`, or ` [[B]]` for multiple choice. */
export function completionFor(task: WorldTaskName, answer: string): string {
  return WORLD_TASKS[task].scorer === 'choice' ? ` [[${answer}]]` : ` ${answer}`;
}
