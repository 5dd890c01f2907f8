import { describe, expect, it } from 'vitest';
import { gradeJudge, judge, judgeReply } from './judge.js';

const FRUIT = 'list:apple|pear|plum|fig:2';

describe('judge scorer (rule-based, 1 to 10)', () => {
  it('gives 10 when every rule is met', () => {
    expect(gradeJudge('pear fig', [FRUIT])).toBe(10);
    expect(gradeJudge('[PEAR FIG]', [FRUIT, 'caps', 'brackets'])).toBe(10);
    expect(gradeJudge('Ann sees tea today', ['about:Ann', 'words:4', 'keyword:tea'])).toBe(10);
    expect(gradeJudge('Annay seesay teaay', ['about:Ann', 'keyword:tea', 'lang:pig'])).toBe(10);
    expect(gradeJudge('[ANNAY SEESAY TEAAY]', ['about:Ann', 'caps', 'brackets', 'lang:pig'])).toBe(10);
  });
  it('grades partial compliance in between', () => {
    // content right, caps missing: 1 + 9 * 1/2 = 5.5, rounded to 6
    expect(gradeJudge('pear fig', [FRUIT, 'caps'])).toBe(6);
    // 2 of 3 rules
    expect(judgeReply('[pear fig]', [FRUIT, 'caps', 'brackets'])).toEqual({ grade: 7, passed: [FRUIT, 'brackets'], failed: ['caps'] });
    // wrong word count and missing keyword
    expect(gradeJudge('Ann sees a cup today', ['about:Ann', 'words:4', 'keyword:tea'])).toBe(4);
  });
  it('checks list contents: count, membership, repeats', () => {
    expect(gradeJudge('pear', [FRUIT])).toBe(1);
    expect(gradeJudge('pear car', [FRUIT])).toBe(1);
    expect(gradeJudge('pear pear', [FRUIT])).toBe(1);
    expect(gradeJudge('Pear, fig.', [FRUIT])).toBe(10);
    expect(gradeJudge('pear fig', [FRUIT, 'not:fig'])).toBe(6);
    expect(gradeJudge('pear plum', [FRUIT, 'not:fig'])).toBe(10);
  });
  it('gives 1 to an empty reply or one that meets nothing', () => {
    expect(gradeJudge('', [FRUIT, 'caps'])).toBe(1);
    expect(gradeJudge('   ', ['about:Ann'])).toBe(1);
    expect(gradeJudge('{"name":"call","args":{"name":"Bob"}}', ['about:Ann', 'caps', 'lang:pig'])).toBe(1);
  });
  it('reads pig-language words without their ending, and requires it on every word', () => {
    expect(judgeReply('Annay sees teaay', ['about:Ann', 'lang:pig']).failed).toEqual(['lang:pig']);
    expect(judgeReply('ay ay', ['lang:pig']).failed).toEqual(['lang:pig']);
  });
  it('is a graded scorer from 1 to 10; score means the best grade', () => {
    expect(judge.range).toEqual([1, 10]);
    expect(judge.score('pear fig', [FRUIT])).toBe(true);
    expect(judge.score('pear', [FRUIT])).toBe(false);
    expect(judge.extract('  x ')).toBe('x');
    expect(judge.extract('')).toBeUndefined();
  });
  it('names an unknown rule', () => {
    expect(() => gradeJudge('x', ['shout'])).toThrow(/unknown rule "shout"/);
  });
});
