import type { StudyView } from '@lamdagent/core';
import { table } from './format.js';

export interface CostsJson {
  /** Agent LLM usage per step, as the paper's Table 5. */
  agent: { step: string; calls: number; inputTokens: number; outputTokens: number; costUsd: number }[];
  /** Compute per action type, as the paper's Table 4. */
  compute: { actionType: string; trials: number; executeHours: number; evaluateHours: number; gpuHours: number }[];
  /**
   * Tokens of evaluation LLMs (an `llm-judge`), per task, split and judge model: apart from the agent's. `validation`:
   * the trials' and initial models' scores; `test`: the top models' test scores (`evaluate` records).
   */
  judge: {
    task: string;
    split: 'validation' | 'test';
    model: string;
    evaluations: number;
    requests: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
  }[];
  /**
   * Tokens and cost of the agent (`inputTokens`, `outputTokens`, `costUsd`) and of the judge (`judge*`); `allCostUsd`
   * is both, the figure a `budget.costUsd` is checked against.
   */
  total: {
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    judgeInputTokens: number;
    judgeOutputTokens: number;
    judgeCostUsd: number;
    allCostUsd: number;
    gpuHours: number;
    wallHours: number;
  };
  /**
   * How the agent's selection answers were obtained (LLM policies): valid the first time, after
   * retries, or never (random fallback), for constrained (grammar / JSON schema) and free-text answers;
   * `refused`: why the server refused structured output, when it did.
   */
  answers: { constrained: AnswerCounts; freeText: AnswerCounts; refused?: string };
}

export interface AnswerCounts {
  answers: number;
  validFirstTime: number;
  retried: number;
  fellBack: number;
}

/** Agent tokens and cost per step, and compute time per action type. */
export function costsJson(view: StudyView): CostsJson {
  const agent = new Map<string, CostsJson['agent'][number]>();
  const add = (u: { step: string; inputTokens: number; outputTokens: number; costUsd: number }): void => {
    const a = agent.get(u.step) ?? { step: u.step, calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    a.calls++;
    a.inputTokens += u.inputTokens;
    a.outputTokens += u.outputTokens;
    a.costUsd += u.costUsd;
    agent.set(u.step, a);
  };
  for (const t of view.trials) for (const u of t.policy?.usage ?? []) add(u);
  for (const o of view.journal.observes) for (const u of o.usage) add(u);
  const judge = new Map<string, CostsJson['judge'][number]>();
  const evaluationUsage = [
    ...view.trials.flatMap((t) => (t.evaluationUsage ?? []).map((u) => ({ ...u, split: 'validation' as const }))),
    ...[...view.journal.initial.values()].flatMap((r) => (r.evaluationUsage ?? []).map((u) => ({ ...u, split: 'validation' as const }))),
    // Scores on another split (the test split of the top models: `lamdagent table --evaluate`).
    ...view.journal.evaluations.flatMap((e) => (e.evaluationUsage ?? []).map((u) => ({ ...u, split: e.split }))),
  ];
  for (const u of evaluationUsage) {
    const model = u.model ?? '';
    const key = `${u.task}\u0000${u.split}\u0000${model}`;
    const j = judge.get(key) ?? { task: u.task, split: u.split, model, evaluations: 0, requests: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    j.evaluations++;
    j.requests += u.requests ?? 0;
    j.inputTokens += u.inputTokens;
    j.outputTokens += u.outputTokens;
    j.costUsd += u.costUsd;
    judge.set(key, j);
  }
  const compute = new Map<string, CostsJson['compute'][number]>();
  let wall = 0;
  for (const t of view.trials) {
    if (t.state === 'cached') continue;
    const c = compute.get(t.action.type) ?? { actionType: t.action.type, trials: 0, executeHours: 0, evaluateHours: 0, gpuHours: 0 };
    c.trials++;
    c.executeHours += ((t.durations['execute'] ?? 0) + (t.durations['smoke'] ?? 0)) / 3600;
    c.evaluateHours += (t.durations['evaluate'] ?? 0) / 3600;
    c.gpuHours += t.resources?.gpuHours ?? 0;
    compute.set(t.action.type, c);
    if (t.endedAt) wall += (Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 3_600_000;
  }
  const a = [...agent.values()];
  const c = [...compute.values()];
  const counts = (): AnswerCounts => ({ answers: 0, validFirstTime: 0, retried: 0, fellBack: 0 });
  const answers: CostsJson['answers'] = { constrained: counts(), freeText: counts() };
  for (const t of view.trials) {
    for (const x of t.policy?.answers ?? []) {
      const k = x.constrained ? answers.constrained : answers.freeText;
      k.answers++;
      if (x.outcome === 'first') k.validFirstTime++;
      else if (x.outcome === 'retried') k.retried++;
      else k.fellBack++;
      if (x.refused !== undefined && answers.refused === undefined) answers.refused = x.refused;
    }
  }
  const jr = [...judge.values()];
  const agentCost = a.reduce((s, x) => s + x.costUsd, 0);
  const judgeCost = jr.reduce((s, x) => s + x.costUsd, 0);
  return {
    answers,
    agent: a,
    judge: jr,
    compute: c,
    total: {
      inputTokens: a.reduce((s, x) => s + x.inputTokens, 0),
      outputTokens: a.reduce((s, x) => s + x.outputTokens, 0),
      costUsd: agentCost,
      judgeInputTokens: jr.reduce((s, x) => s + x.inputTokens, 0),
      judgeOutputTokens: jr.reduce((s, x) => s + x.outputTokens, 0),
      judgeCostUsd: judgeCost,
      allCostUsd: agentCost + judgeCost,
      gpuHours: c.reduce((s, x) => s + x.gpuHours, 0),
      wallHours: wall,
    },
  };
}

export function costsText(c: CostsJson): string {
  const k = (n: number): string => (n / 1000).toFixed(1);
  const out: string[] = [];
  out.push("Agent usage (tokens in thousands, as the paper's Table 5):");
  out.push(
    c.agent.length
      ? table(
          ['step', 'calls', 'input', 'output', 'cost $'],
          [
            ...c.agent.map((x) => [x.step, String(x.calls), k(x.inputTokens), k(x.outputTokens), x.costUsd.toFixed(3)]),
            ['total', '', k(c.total.inputTokens), k(c.total.outputTokens), c.total.costUsd.toFixed(3)],
          ],
        )
      : '  (no agent LLM calls: a non-LLM policy)',
  );
  const { constrained: ca, freeText: fa } = c.answers;
  if (ca.answers + fa.answers > 0) {
    const row = (name: string, x: AnswerCounts): string[] => [name, String(x.answers), String(x.validFirstTime), String(x.retried), String(x.fellBack)];
    out.push('', 'Agent answers (selection steps):');
    out.push(table(['answers', 'total', 'valid 1st time', 'retried', 'fell back'], [row('constrained', ca), row('free text', fa)]));
    if (c.answers.refused) out.push(`  the server refused structured output: ${c.answers.refused}`);
  }
  if (c.judge.length > 0) {
    out.push('', 'Judge usage (the evaluation LLM scoring the models; tokens in thousands):');
    out.push(
      table(
        ['task', 'split', 'judge model', 'evaluations', 'requests', 'input', 'output', 'cost $'],
        [
          ...c.judge.map((x) => [
            x.task,
            x.split,
            x.model,
            String(x.evaluations),
            String(x.requests),
            k(x.inputTokens),
            k(x.outputTokens),
            x.costUsd.toFixed(3),
          ]),
          ['total', '', '', '', '', k(c.total.judgeInputTokens), k(c.total.judgeOutputTokens), c.total.judgeCostUsd.toFixed(3)],
        ],
      ),
    );
    out.push(`Cost: agent $${c.total.costUsd.toFixed(3)} + judge $${c.total.judgeCostUsd.toFixed(3)} = $${c.total.allCostUsd.toFixed(3)}`);
  }
  out.push('', "Compute per action type (as the paper's Table 4):");
  out.push(
    table(
      ['action type', 'trials', 'run h', 'eval h', 'GPU h'],
      c.compute.map((x) => [x.actionType, String(x.trials), x.executeHours.toFixed(4), x.evaluateHours.toFixed(4), x.gpuHours.toFixed(4)]),
    ),
  );
  return out.join('\n');
}
