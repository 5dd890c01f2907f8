// Pipelines view: the lineage graph of the top-k models (which trial made which model from which inputs,
// as the paper's Figures 3 and 6), laid out by dagre; nodes are the trials, click one for its detail.
import dagre from '@dagrejs/dagre';
import { lineageGraph, pipelineLines, topTrials, type LineageGraph } from '../shape/lineage.js';
import type { StudyData } from '../types.js';
import type { Ctx } from './context.js';
import { f3, h, studyColor } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

export function pipelinesView(ctx: Ctx): HTMLElement {
  return h(
    'div',
    {},
    ctx.data.studies.map((s) => studyPipelines(ctx, s)),
  );
}

function studyPipelines(ctx: Ctx, s: StudyData): HTMLElement {
  const k = ctx.data.k;
  const g = lineageGraph(s.trials, k);
  const card = h(
    'div',
    { class: 'card', 'data-testid': `pipelines-${s.id}` },
    h('h2', {}, `${ctx.data.studies.length > 1 ? `${s.name}: ` : ''}top-${k} pipelines`),
    h(
      'p',
      { class: 'sub' },
      'Models flow left to right: each box is the trial that produced a model (action, non-model inputs, validation reward); dashed boxes are models the study started from. Click a trial.',
    ),
  );
  if (g.tops.length === 0) {
    card.append(h('div', { class: 'empty' }, 'No completed trial yet.'));
    return card;
  }
  const wrap = h('div', { class: 'graph-wrap' });
  card.append(wrap, pipelineList(ctx, s, k));
  queueMicrotask(() => drawGraph(ctx, s, g, wrap));
  return card;
}

function drawGraph(ctx: Ctx, s: StudyData, g: LineageGraph, wrap: HTMLElement): void {
  const area = h('div', { class: 'graph', 'data-testid': 'lineage-graph', 'data-study': s.id });
  wrap.append(area);
  const els = new Map<string, HTMLElement>();
  for (const n of g.nodes) {
    const el =
      n.kind === 'trial'
        ? h(
            'button',
            {
              class: `node trial${n.ranks.length ? ' top' : ''}`,
              type: 'button',
              'data-trial': n.trial,
              'data-study': s.id,
              title: n.model ? `model ${n.model}` : undefined,
              style: `border-left-color: ${studyColor(s.id)}${n.ranks.length ? `; border-color: ${studyColor(s.id)}; box-shadow: 0 0 0 2px ${studyColor(s.id)}33` : ''}`,
              onclick: () => ctx.openTrial(s.id, n.trial as number),
            },
            h(
              'div',
              { class: 't' },
              `#${n.trial} ${n.label}`,
              n.ranks.map((r) => h('span', { class: 'badge rank' }, `Top-${r}`)),
            ),
            n.details.length ? h('div', { class: 'd' }, n.details.join(', ')) : null,
            h('div', { class: 'r' }, `reward ${f3(n.reward)}`),
          )
        : h('div', { class: 'node source', 'data-source': n.label }, h('div', { class: 't' }, n.label), h('div', { class: 'd' }, n.details.join(', ')));
    el.style.visibility = 'hidden';
    area.append(el);
    els.set(n.id, el);
  }
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 0, marginy: 0 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const [id, el] of els) graph.setNode(id, { width: el.offsetWidth || 160, height: el.offsetHeight || 56 });
  // Rank = length of the longest chain from a starting model, so every starting model sits in the first column
  // and every step of a pipeline one column to the right of its inputs (as in the paper's Figures 3 and 6).
  const rank = new Map<string, number>();
  const parents = new Map<string, string[]>();
  for (const e of g.edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  const rankOf = (id: string, depth = 0): number => {
    const known = rank.get(id);
    if (known !== undefined) return known;
    const r = depth > 500 ? 0 : Math.max(-1, ...(parents.get(id) ?? []).map((p) => rankOf(p, depth + 1))) + 1;
    rank.set(id, r);
    return r;
  };
  for (const e of g.edges) graph.setEdge(e.from, e.to, { minlen: Math.max(1, rankOf(e.to) - rankOf(e.from)) });
  dagre.layout(graph);
  // dagre sizes the graph by its nodes; long edges may bend outside that box, so measure the edges too.
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const grow = (x: number, y: number): void => {
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
  };
  for (const id of els.keys()) {
    const n = graph.node(id);
    grow(n.x - n.width / 2, n.y - n.height / 2);
    grow(n.x + n.width / 2, n.y + n.height / 2);
  }
  for (const e of graph.edges()) for (const p of graph.edge(e).points ?? []) grow(p.x, p.y);
  const pad = 16;
  const dx = pad - minX;
  const dy = pad - minY;
  const width = Math.ceil(maxX - minX + 2 * pad);
  const height = Math.ceil(maxY - minY + 2 * pad);
  area.style.width = `${width}px`;
  area.style.height = `${height}px`;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  const defs = document.createElementNS(SVG, 'defs');
  const marker = document.createElementNS(SVG, 'marker');
  for (const [k, v] of Object.entries({
    id: `arrow-${s.id}`,
    viewBox: '0 0 10 10',
    refX: '9',
    refY: '5',
    markerWidth: '7',
    markerHeight: '7',
    orient: 'auto-start-reverse',
  }))
    marker.setAttribute(k, v);
  const tip = document.createElementNS(SVG, 'path');
  tip.setAttribute('d', 'M 0 0 L 10 5 L 0 10 z');
  tip.setAttribute('fill', '#94a3b8');
  marker.append(tip);
  defs.append(marker);
  svg.append(defs);
  for (const e of graph.edges()) {
    const pts = graph.edge(e).points ?? [];
    if (!pts.length) continue;
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', smoothPath(pts.map((p: { x: number; y: number }) => ({ x: p.x + dx, y: p.y + dy }))));
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', '#94a3b8');
    path.setAttribute('stroke-width', '1.5');
    path.setAttribute('marker-end', `url(#arrow-${s.id})`);
    svg.append(path);
  }
  area.prepend(svg);
  for (const [id, el] of els) {
    const n = graph.node(id);
    el.style.left = `${Math.round(n.x - n.width / 2 + dx)}px`;
    el.style.top = `${Math.round(n.y - n.height / 2 + dy)}px`;
    el.style.width = `${Math.ceil(n.width)}px`;
    el.style.visibility = 'visible';
  }
}

/** A smooth curve through dagre's edge points (Catmull-Rom turned into cubic Béziers). */
function smoothPath(pts: { x: number; y: number }[]): string {
  const f = (n: number): string => n.toFixed(1);
  const first = pts[0] as { x: number; y: number };
  let d = `M ${f(first.x)} ${f(first.y)}`;
  for (let i = 0; i < pts.length - 1; i++) {
    const p0 = pts[Math.max(0, i - 1)] as { x: number; y: number };
    const p1 = pts[i] as { x: number; y: number };
    const p2 = pts[i + 1] as { x: number; y: number };
    const p3 = pts[Math.min(pts.length - 1, i + 2)] as { x: number; y: number };
    d += ` C ${f(p1.x + (p2.x - p0.x) / 6)} ${f(p1.y + (p2.y - p0.y) / 6)}, ${f(p2.x - (p3.x - p1.x) / 6)} ${f(p2.y - (p3.y - p1.y) / 6)}, ${f(p2.x)} ${f(p2.y)}`;
  }
  return d;
}

function pipelineList(ctx: Ctx, s: StudyData, k: number): HTMLElement {
  const tops = topTrials(s.trials, k);
  return h(
    'details',
    {},
    h('summary', {}, 'pipelines as text'),
    tops.map((t, i) =>
      h(
        'div',
        {},
        h('h3', {}, `Top-${i + 1}: trial ${t.index}, reward ${f3(t.reward)}`),
        h(
          'ul',
          { class: 'pipes mono' },
          pipelineLines(t, s.trials).map((l) =>
            h(
              'li',
              { style: `padding-left: ${l.depth * 18}px` },
              l.depth ? '↳ ' : '',
              l.trial !== undefined ? h('a', { onclick: () => ctx.openTrial(s.id, l.trial as number) }, `#${l.trial} `) : null,
              l.text,
              l.reward !== undefined ? `  (${f3(l.reward)})` : '',
            ),
          ),
        ),
      ),
    ),
  );
}
