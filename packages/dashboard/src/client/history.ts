// History view: every trial's value over iterations with the running maximum (studies overlaid), and the
// per-window average, maximum and standard deviation of the paper's Figure 5. Drawn with uPlot.
import type uPlot from 'uplot';
import { historyOf, metricLabel, metricsOf, windowStats, type HistoryPoint, type Metric, type WindowStat } from '../shape/history.js';
import type { StudyData } from '../types.js';
import { mountChart, pointsSeries, steppedPaths } from './chart.js';
import type { Ctx } from './context.js';
import { f3, h, studyColor, table } from './dom.js';

export function historyView(ctx: Ctx): HTMLElement {
  const { data, settings } = ctx;
  const studies = data.studies;
  const metrics = metricsOf(studies.flatMap((s) => s.trials));
  if (!metrics.includes(settings.metric)) settings.metric = 'reward';
  const metric = settings.metric;
  const controls = h(
    'div',
    { class: 'controls' },
    h(
      'label',
      {},
      'score',
      h(
        'select',
        {
          'data-testid': 'metric-select',
          onchange: (ev: Event) => {
            settings.metric = (ev.target as HTMLSelectElement).value as Metric;
            ctx.rerender();
          },
        },
        metrics.map((m) => h('option', { value: m, selected: m === metric }, m === 'reward' ? 'reward (aggregate)' : `task: ${metricLabel(m)}`)),
      ),
    ),
    h(
      'label',
      {},
      'window',
      h('input', {
        type: 'number',
        min: 1,
        max: 1000,
        value: settings.window,
        'data-testid': 'window-input',
        onchange: (ev: Event) => {
          const v = Math.floor(Number((ev.target as HTMLInputElement).value));
          if (v >= 1) {
            settings.window = v;
            ctx.rerender();
          }
        },
      }),
      'iterations',
    ),
  );
  const perStudy = studies.map((s) => ({ s, points: historyOf(s.trials, metric) }));
  const total = perStudy.reduce((a, p) => a + p.points.length, 0);
  const card1 = h(
    'div',
    { class: 'card' },
    h('h2', {}, `${metricLabel(metric)} per trial`),
    h(
      'p',
      { class: 'sub' },
      'Each dot is a trial (filled: complete; hollow: cached repeat of an earlier action); × in the bottom lane: failed, no score. The step line is the best so far. Click a trial for its detail.',
    ),
    controls,
  );
  const root = h('div', {}, card1);
  if (total === 0) {
    card1.append(h('div', { class: 'empty', 'data-testid': 'history-chart', 'data-points': 0 }, 'No finished trial yet.'), runningNote(studies) ?? '');
    return root;
  }
  const chartEl = h('div', { class: 'chart', 'data-testid': 'history-chart' });
  card1.append(chartEl, runningNote(studies) ?? '');
  const winCard = h(
    'div',
    { class: 'card' },
    h('h2', {}, `Every ${settings.window} iterations`),
    h(
      'p',
      { class: 'sub' },
      `Average, maximum and standard deviation of ${metricLabel(metric)} over consecutive windows of ${settings.window} iterations (as in the paper's Figure 5; failed trials have no score and are counted apart).`,
    ),
  );
  const winChart = h('div', { class: 'chart', 'data-testid': 'window-chart' });
  winCard.append(winChart);
  root.append(winCard);
  // Mount after the caller attached `root` (uPlot measures its container).
  queueMicrotask(() => {
    trialChart(ctx, chartEl, perStudy);
    const wins = perStudy.map(({ s, points }) => ({ s, wins: windowStats(points, settings.window) }));
    windowChart(ctx, winChart, wins, settings.window);
    winCard.append(windowTable(wins));
  });
  return root;
}

function runningNote(studies: StudyData[]): HTMLElement | null {
  const running = studies.flatMap((s) => s.running.filter((r) => !r.interrupted).map((r) => ({ s, r })));
  if (!running.length) return null;
  return h(
    'p',
    { class: 'note' },
    'Running: ',
    running.map(({ s, r }, i) => [
      i ? ', ' : '',
      h('a', { href: `#/history/trial/${s.id}/${r.index}` }, `${studies.length > 1 ? `${s.name} ` : ''}#${r.index} ${r.action.name}`),
    ]),
  );
}

function trialChart(ctx: Ctx, el: HTMLElement, perStudy: { s: StudyData; points: HistoryPoint[] }[]): void {
  const maxIndex = Math.max(...perStudy.flatMap((p) => p.points.map((q) => q.index)));
  const xs = Array.from({ length: maxIndex + 1 }, (_, i) => i);
  const series: uPlot.Series[] = [{ label: 'trial' }];
  const cols: (number | null)[][] = [];
  const lookup: { study: number; col: number }[] = [];
  // Failed trials have no score: they are drawn as crosses in a lane under the lowest score, per study color.
  const failed: { study: number; color: string; at: Set<number> }[] = [];
  let plotted = 0;
  for (const { s, points } of perStudy) {
    const c = studyColor(s.id);
    const byIndex = new Map(points.map((p) => [p.index, p]));
    const col = (f: (p: HistoryPoint) => number | null): (number | null)[] =>
      xs.map((x) => {
        const p = byIndex.get(x);
        return p ? f(p) : null;
      });
    const prefix = perStudy.length > 1 ? `${s.name}: ` : '';
    const complete = col((p) => (p.state === 'complete' ? p.value : null));
    const cached = col((p) => (p.state === 'cached' ? p.value : null));
    const fails = new Set(points.filter((p) => p.value === null).map((p) => p.index));
    series.push(pointsSeries(`${prefix}complete`, c, c, 7));
    series.push(pointsSeries(`${prefix}cached`, c, '#ffffff', 7));
    series.push({
      label: `${prefix}best so far`,
      stroke: c,
      width: 2,
      ...(steppedPaths ? { paths: steppedPaths } : {}),
      spanGaps: true,
      points: { show: false },
    });
    for (const arr of [complete, cached]) {
      lookup.push({ study: s.id, col: cols.length });
      cols.push(arr);
    }
    cols.push(col((p) => p.best));
    failed.push({ study: s.id, color: c, at: fails });
    const n = [complete, cached].reduce((a, arr) => a + arr.filter((v) => v !== null).length, 0) + fails.size;
    el.dataset[`points${s.id}`] = String(n);
    el.dataset[`failed${s.id}`] = String(fails.size);
    plotted += n;
  }
  el.dataset['points'] = String(plotted);
  const lane = 9; // CSS pixels from the plot's bottom edge
  const drawFailed = (u: uPlot): void => {
    const r = devicePixelRatio || 1;
    const y = u.bbox.top + u.bbox.height - lane * r;
    const d = 3.5 * r;
    u.ctx.save();
    u.ctx.lineWidth = 2 * r;
    failed.forEach((f, k) => {
      u.ctx.strokeStyle = f.color;
      for (const i of f.at) {
        const x = u.valToPos(i, 'x', true);
        const yy = y - k * 2 * d;
        u.ctx.beginPath();
        u.ctx.moveTo(x - d, yy - d);
        u.ctx.lineTo(x + d, yy + d);
        u.ctx.moveTo(x + d, yy - d);
        u.ctx.lineTo(x - d, yy + d);
        u.ctx.stroke();
      }
    });
    u.ctx.restore();
  };
  const u = mountChart(
    ctx,
    el,
    {
      height: 340,
      scales: {
        // Half a trial of room at both ends of the full history; a zoomed range is taken as it is.
        x: {
          time: false,
          range: (u, min, max) => {
            const all = u.data[0];
            return all.length && min === all[0] && max === all[all.length - 1] ? [min - 0.5, max + 0.5] : [min, max];
          },
        },
        y: {
          range: (_u, min, max) => {
            const span = max - min || Math.abs(max) || 1;
            // Room under the lowest score for the failed-trial lane.
            return [min - span * (failed.some((f) => f.at.size) ? 0.14 : 0.05), max + span * 0.06];
          },
        },
      },
      axes: [
        { label: 'iteration (trial)', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
        { label: metricLabelOf(ctx), size: 56 },
      ],
      series,
      cursor: { drag: { x: true, y: false } },
      hooks: { draw: [drawFailed] },
    },
    [xs, ...cols] as uPlot.AlignedData,
    `history:${ctx.settings.metric}`,
  );
  u.over.style.cursor = 'pointer';
  // A drag zooms; only a click that did not move opens a trial.
  let down: { x: number; y: number } | undefined;
  u.over.addEventListener('mousedown', (e) => (down = { x: e.clientX, y: e.clientY }));
  u.over.addEventListener('click', (e) => {
    if (down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4) return;
    const idx = u.cursor.idx;
    if (idx === null || idx === undefined) return;
    const x = xs[idx] as number;
    const top = u.cursor.top ?? 0;
    const inLane = top > u.over.clientHeight - lane * 2.5;
    const f = failed.find((q) => q.at.has(x));
    if (inLane && f) return ctx.openTrial(f.study, x);
    const y = u.posToVal(top, 'y');
    let pick: { study: number; d: number } | undefined;
    for (const l of lookup) {
      const v = cols[l.col]?.[idx];
      if (v === null || v === undefined) continue;
      const d = Math.abs(v - y);
      if (!pick || d < pick.d) pick = { study: l.study, d };
    }
    if (pick) ctx.openTrial(pick.study, x);
    else if (f) ctx.openTrial(f.study, x);
  });
}

const metricLabelOf = (ctx: Ctx): string => metricLabel(ctx.settings.metric);

function windowChart(ctx: Ctx, el: HTMLElement, wins: { s: StudyData; wins: WindowStat[] }[], size: number): void {
  const groups = Math.max(0, ...wins.flatMap((w) => w.wins.map((x) => x.from / size + 1)));
  const xs = Array.from({ length: groups }, (_, i) => i);
  const series: uPlot.Series[] = [{ label: 'window' }];
  const cols: (number | null)[][] = [];
  for (const { s, wins: ws } of wins) {
    const c = studyColor(s.id);
    const by = new Map(ws.map((w) => [w.from / size, w]));
    const col = (f: (w: WindowStat) => number | null): (number | null)[] =>
      xs.map((g) => {
        const w = by.get(g);
        return w ? f(w) : null;
      });
    const prefix = wins.length > 1 ? `${s.name}: ` : '';
    series.push({ label: `${prefix}average`, stroke: c, width: 2, points: { show: true, size: 6, fill: c } });
    series.push({ label: `${prefix}max`, stroke: c, width: 1.5, dash: [6, 4], points: { show: true, size: 5 } });
    series.push({ label: `${prefix}std`, stroke: c, width: 1.5, dash: [2, 3], scale: 'std', points: { show: true, size: 5 } });
    cols.push(
      col((w) => w.mean),
      col((w) => w.max),
      col((w) => w.std),
    );
  }
  mountChart(
    ctx,
    el,
    {
      height: 260,
      scales: { x: { time: false, range: () => [-0.5, Math.max(groups - 0.5, 0.5)] }, std: { range: (_u, _min, max) => [0, Math.max(max * 1.15, 0.01)] } },
      axes: [
        { label: `iterations (windows of ${size})`, splits: () => xs, values: (_u, vals) => vals.map((g) => `${g * size}–${g * size + size - 1}`) },
        { label: metricLabelOf(ctx), size: 56 },
        { scale: 'std', side: 1, label: 'std', size: 56, grid: { show: false } },
      ],
      series,
    },
    [xs, ...cols] as uPlot.AlignedData,
  );
}

function windowTable(wins: { s: StudyData; wins: WindowStat[] }[]): HTMLElement {
  const multi = wins.length > 1;
  const rows = wins.flatMap(({ s, wins: ws }) =>
    ws.map((w) =>
      h(
        'tr',
        {},
        multi ? h('td', {}, s.name) : null,
        h('td', {}, `${w.from}–${w.to}${w.partial ? ' (so far)' : ''}`),
        h('td', { class: 'num' }, w.n),
        h('td', { class: 'num' }, w.failed),
        h('td', { class: 'num' }, w.cached),
        h('td', { class: 'num' }, f3(w.mean)),
        h('td', { class: 'num' }, f3(w.std)),
        h('td', { class: 'num' }, f3(w.max)),
        h('td', { class: 'num' }, f3(w.best)),
      ),
    ),
  );
  const head = [...(multi ? ['study'] : []), 'iterations', 'scored', 'failed', 'cached', 'average', 'std', 'max', 'best so far'];
  const off = multi ? 1 : 0;
  return table(head, rows, { numeric: [1, 2, 3, 4, 5, 6, 7].map((i) => i + off) });
}
