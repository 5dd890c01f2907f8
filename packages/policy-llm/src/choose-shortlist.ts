/**
 * The hybrid's selection step (option `shortlist`): a ranking policy proposes its best untried actions
 * with predicted rewards, and the agent chooses one of them by its number in the list, which shows the
 * proposals best first (the ranker's order carries its judgement, so it is not shuffled).
 */
import type { Proposal } from '@lamdagent/core';
import { type AnswerSpec, jsonAnswerText } from './answer.js';
import { type Checked, converse, type Outcome } from './converse.js';
import { parseTypeAnswer } from './parse.js';
import type { StepScope } from './step.js';
import { formatAction } from './views.js';

/** One proposal on one line: its number, the action, the predicted reward (± sd) when the ranker gave one, else its note. */
export function proposalLine(p: Proposal, k: number): string {
  const predicted =
    p.predicted === undefined
      ? `no prediction${p.note ? ` (${p.note})` : ''}`
      : `predicted reward ${p.predicted.toFixed(3)}${p.sd === undefined ? '' : ` ± ${p.sd.toFixed(3)}`}`;
  return `[${k}] ${formatAction(p.action)}: ${predicted}`;
}

/** The proposal the agent chose among `proposals` (at least two), or why it gave no usable answer. */
export async function chooseProposal(s: StepScope, common: Record<string, string>, ranker: string, proposals: readonly Proposal[]): Promise<Outcome<Proposal>> {
  const n = proposals.length;
  const prompt = s.d.templates.shortlist.render({
    ...common,
    ranker,
    proposals: proposals.map(proposalLine).join('\n'),
    proposal_count: String(n),
    max_proposal_index: String(n - 1),
  });
  const reminder = `the number of one listed action (0 to ${n - 1}) in double brackets, e.g. [[0]]`;
  const spec: AnswerSpec = { step: 'shortlist', slots: [{ name: 'action', size: n }] };
  const r = await converse(
    s,
    'shortlist',
    prompt,
    reminder,
    () => spec,
    (reply): Checked<Proposal> => {
      const p = parseTypeAnswer(jsonAnswerText(reply, spec) ?? reply, n, 'proposal');
      return p.ok ? { ok: true, value: proposals[p.indices[0] as number] as Proposal } : p;
    },
  );
  if (r.ok) s.rec.transcript.push({ step: 'shortlist', role: 'system', content: `chose ${proposals.indexOf(r.value)}: ${formatAction(r.value.action)}` });
  return r;
}
