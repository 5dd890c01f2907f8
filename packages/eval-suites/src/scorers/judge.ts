import { goldList, type Gold, type Scorer } from './types.js';

/**
 * A rule-based judge for instruction following (the embedded tools world's stand-in for MT-Bench's
 * LLM judge): the gold is the instruction's rubric, a list of rules, and the reply gets a grade from
 * 1 to 10: 1 + 9 x (rules met / rules), rounded; an empty reply gets 1. Rules:
 *
 * - `list:<word>|<word>|...:<n>`: the reply names exactly n distinct words, each from the list;
 * - `not:<word>`: the word does not appear;
 * - `about:<Name>`: the reply mentions the name;
 * - `caps`: every letter is upper case; `brackets`: the reply is wrapped in `[` and `]`;
 * - `words:<n>`: exactly n words; `keyword:<w>`: the word w appears;
 * - `lang:pig`: every word ends in `ay` (the world's second "language"); the other rules read the
 *   words without that ending.
 *
 * Words are compared case-insensitively, after removing the brackets and punctuation around them.
 */
export interface JudgeReport {
  grade: number;
  passed: string[];
  failed: string[];
}

const RULE = /^(list:[^:]+:\d+|not:\S+|about:\S+|caps|brackets|words:\d+|keyword:\S+|lang:pig)$/;

export function parseRubric(gold: Gold): string[] {
  const rules = goldList(gold);
  for (const r of rules) {
    if (!RULE.test(r)) throw new TypeError(`judge scorer: unknown rule ${JSON.stringify(r)} (list:, not:, about:, caps, brackets, words:, keyword:, lang:pig)`);
  }
  return rules;
}

function stripBrackets(text: string): string {
  const t = text.trim();
  return t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
}

function rawWords(text: string): string[] {
  return stripBrackets(text)
    .split(/\s+/)
    .map((w) => w.replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, ''))
    .filter((w) => w !== '');
}

/** Checks a reply against a rubric; the grade is 1 + 9 x (passed / rules), rounded. */
export function judgeReply(prediction: string, gold: Gold): JudgeReport {
  const rules = parseRubric(gold);
  const text = prediction.trim();
  if (text === '' || rules.length === 0) return { grade: 1, passed: [], failed: rules };
  const pig = rules.includes('lang:pig');
  const raw = rawWords(text);
  const words = raw.map((w) => (pig && /ay$/i.test(w) ? w.slice(0, -2) : w).toLowerCase());
  const check = (rule: string): boolean => {
    const [kind, a, b] = rule.split(':');
    switch (kind) {
      case 'list': {
        const allowed = new Set((a ?? '').toLowerCase().split('|'));
        return words.length === Number(b) && new Set(words).size === words.length && words.every((w) => allowed.has(w));
      }
      case 'not':
        return !words.includes((a ?? '').toLowerCase());
      case 'about':
        return words.includes((a ?? '').toLowerCase());
      case 'caps':
        return /[A-Za-z]/.test(text) && text === text.toUpperCase();
      case 'brackets':
        return text.startsWith('[') && text.endsWith(']') && text.length > 2;
      case 'words':
        return words.length === Number(a);
      case 'keyword':
        return words.includes((a ?? '').toLowerCase());
      case 'lang':
        return raw.length > 0 && raw.every((w) => /ay$/i.test(w) && w.length > 2);
      default:
        return false;
    }
  };
  const passed = rules.filter(check);
  const failed = rules.filter((r) => !passed.includes(r));
  return { grade: Math.round(1 + (9 * passed.length) / rules.length), passed, failed };
}

export function gradeJudge(prediction: string, gold: Gold): number {
  return judgeReply(prediction, gold).grade;
}

export const judge: Scorer = {
  name: 'judge',
  extract: (prediction) => (prediction.trim() === '' ? undefined : prediction.trim()),
  score: (prediction, gold) => gradeJudge(prediction, gold) === 10,
  grade: gradeJudge,
  range: [1, 10],
};
