// Costs view: agent-LLM tokens and cost per step (the paper's Table 5), compute time per action type and
// stage (Table 4), and the cumulative cost and compute over iterations (uPlot).
import type uPlot from 'uplot';
import { answerCounts, computeByStage, costByTrial, stepName, tokensByStep } from '../shape/costs.js';
import type { StudyData } from '../types.js';
import { mountChart } from './chart.js';
import type { Ctx } from './context.js';
import { fsec, ftok, fusd, h, studyColor, table } from './dom.js';

export function costsView(ctx: Ctx): HTMLElement {
  const studies = ctx.data.studies;
  const chartCard = h(
    'div',
    { class: 'card' },
    h('h2', {}, 'Cumulative cost over iterations'),
    h('p', { class: 'sub' }, 'Agent-LLM cost (USD, solid) and compute time (smoke runs, execution and evaluation, dashed) up to each trial.'),
  );
  const chartEl = h('div', { class: 'chart', 'data-testid': 'cost-chart' });
  chartCard.append(chartEl);
  queueMicrotask(() => costChart(ctx, chartEl, studies));
  return h(
    'div',
    {},
    chartCard,
    studies.map((s) => studyCosts(s, studies.length > 1)),
  );
}

function studyCosts(s: StudyData, multi: boolean): HTMLElement {
  const tok = tokensByStep(s);
  const stages = computeByStage(s.trials);
  const answers = answerCounts(s.trials);
  const answerRows = answers.rows.map((r) =>
    h(
      'tr',
      {},
      h('td', {}, r.kind),
      h('td', { class: 'num' }, r.answers),
      h('td', { class: 'num' }, r.validFirstTime),
      h('td', { class: 'num' }, r.retried),
      h('td', { class: 'num' }, r.fellBack),
    ),
  );
  const prefix = multi ? `${s.name}: ` : '';
  const tokRows = [...tok.rows, tok.total].map((r) =>
    h(
      'tr',
      r.step === 'total' ? { class: 'section' } : {},
      h('td', {}, r.step === 'total' ? 'total' : stepName(r.step)),
      h('td', { class: 'num' }, r.calls),
      h('td', { class: 'num' }, ftok(r.inputTokens)),
      h('td', { class: 'num' }, ftok(r.outputTokens)),
      h('td', { class: 'num' }, fusd(r.costUsd)),
    ),
  );
  const stageRows = stages.map((r) =>
    h(
      'tr',
      {},
      h('td', {}, r.kind === 'action' ? h('b', {}, r.stage) : r.stage),
      h('td', { class: 'num' }, r.runs),
      h('td', { class: 'num' }, r.kind === 'action' ? r.cached : ''),
      h('td', { class: 'num' }, r.kind === 'action' ? r.failed : ''),
      h('td', { class: 'num' }, fsec(r.meanSec)),
      h('td', { class: 'num' }, fsec(r.totalSec)),
      h('td', { class: 'num' }, r.kind === 'action' ? (r.gpuHours ? r.gpuHours.toPrecision(3) : '0') : ''),
    ),
  );
  return h(
    'div',
    { class: 'card', 'data-testid': `costs-${s.id}` },
    h('h2', {}, `${prefix}agent tokens per step`),
    h('p', { class: 'sub' }, `policy ${s.policy}; tokens and cost of every agent-LLM call, by step (as the paper's Table 5).`),
    tok.total.calls
      ? table(['step', 'calls', 'input tokens', 'output tokens', 'cost'], tokRows, { numeric: [1, 2, 3, 4] })
      : h('div', { class: 'empty' }, 'No agent-LLM call recorded (a non-LLM policy, or none finished yet).'),
    ...(answers.rows.length
      ? [
          h('h3', {}, 'Agent answers (selection steps)'),
          table(['answers', 'total', 'valid first time', 'retried', 'fell back to random'], answerRows, { numeric: [1, 2, 3, 4] }),
          ...(answers.refused ? [h('p', { class: 'sub' }, `The server refused structured output: ${answers.refused}`)] : []),
        ]
      : []),
    h('h3', {}, "Compute per stage (as the paper's Table 4)"),
    stages.length
      ? table(['stage', 'runs', 'cached', 'failed', 'mean time', 'total time', 'GPU hours'], stageRows, { numeric: [1, 2, 3, 4, 5, 6] })
      : h('div', { class: 'empty' }, 'No finished trial yet.'),
  );
}

function costChart(ctx: Ctx, el: HTMLElement, studies: StudyData[]): void {
  const per = studies.map((s) => ({ s, pts: costByTrial(s) }));
  const maxIndex = Math.max(-1, ...per.flatMap((p) => p.pts.map((q) => q.index)));
  if (maxIndex < 0) {
    el.append(h('div', { class: 'empty' }, 'Nothing yet.'));
    return;
  }
  const xs = Array.from({ length: maxIndex + 1 }, (_, i) => i);
  // Compute time in the unit that suits its size: seconds for a toy study, hours for a GPU one.
  const maxSec = Math.max(0, ...per.flatMap((p) => p.pts.map((q) => q.cumComputeSec)));
  const unit = maxSec < 120 ? { name: 's', sec: 1 } : maxSec < 7200 ? { name: 'min', sec: 60 } : { name: 'h', sec: 3600 };
  const series: uPlot.Series[] = [{ label: 'trial' }];
  const cols: (number | null)[][] = [];
  for (const { s, pts } of per) {
    const c = studyColor(s.id);
    const by = new Map(pts.map((p) => [p.index, p]));
    const prefix = studies.length > 1 ? `${s.name}: ` : '';
    series.push({ label: `${prefix}agent cost (USD)`, stroke: c, width: 2, scale: 'usd', spanGaps: true, value: (_u, v) => (v === null ? '–' : fusd(v)) });
    series.push({
      label: `${prefix}compute (${unit.name})`,
      stroke: c,
      width: 1.5,
      dash: [6, 4],
      scale: 'h',
      spanGaps: true,
      value: (_u, v) => (v === null ? '–' : v.toPrecision(3)),
    });
    cols.push(
      xs.map((x) => by.get(x)?.cumCostUsd ?? null),
      xs.map((x) => {
        const p = by.get(x);
        return p ? p.cumComputeSec / unit.sec : null;
      }),
    );
  }
  mountChart(
    ctx,
    el,
    {
      height: 240,
      scales: {
        x: { time: false },
        usd: { range: (_u, _min, max) => [0, Math.max(max * 1.1, 0.01)] },
        h: { range: (_u, _min, max) => [0, Math.max(max * 1.1, 1e-3)] },
      },
      axes: [
        { label: 'iteration (trial)' },
        { scale: 'usd', label: 'USD', size: 64 },
        { scale: 'h', side: 1, label: `compute (${unit.name})`, size: 64, grid: { show: false } },
      ],
      series,
    },
    [xs, ...cols] as uPlot.AlignedData,
  );
}
