import { choice } from './choice.js';
import { exact } from './exact.js';
import { numeric } from './numeric.js';
import { judge } from './judge.js';
import { toolcall } from './toolcall.js';
import type { Scorer, ScorerName } from './types.js';

export { extractFinalNumber, scoreNumeric } from './numeric.js';
export { parseChoice, scoreChoice } from './choice.js';
export { normalizeAnswer, scoreExact } from './exact.js';
export { parseToolCall, jsonEqual, scoreToolCall } from './toolcall.js';
export type { ToolCall } from './toolcall.js';
export { judgeReply, gradeJudge, parseRubric } from './judge.js';
export type { JudgeReport } from './judge.js';
export { goldList } from './types.js';
export type { Gold, Scorer, ScorerName } from './types.js';

export const SCORERS: Readonly<Record<ScorerName, Scorer>> = { numeric, choice, exact, toolcall, judge };
export const SCORER_NAMES = Object.keys(SCORERS) as ScorerName[];
