// Pipelines view: the lineage graph of the top-k models (which trial made which model from which inputs,
// as the paper's Figures 3 and 6), laid out by dagre; nodes are the trials, click one for its detail.
import dagre from '@dagrejs/dagre';
import { lineageGraph, pipelineLines, topTrials, type LineageGraph } from '../shape/lineage.js';
import type { StudyData } from '../types.js';
import type { Ctx } from './context.js';
import { f3, h, studyColor } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

export function pipelinesView(ctx: Ctx): HTMLElement {
  return h('div', {}, ctx.data.studies.map((s) => studyPipelines(ctx, s)));
}

function studyPipelines(ctx: Ctx, s: StudyData): HTMLElement {
  const k = ctx.data.k;
  const g = lineageGraph(s.trials, k);
  const card = h(
    'div',
    { class: 'card', 'data-testid': `pipelines-${s.id}` },
    h('h2', {}, `${ctx.data.studies.length > 1 ? `${s.name}: ` : ''}top-${k} pipelines`),
    h('p', { class: 'sub' }, 'Models flow left to right: each box is the trial that produced a model (action, non-model inputs, validation reward); dashed boxes are models the study started from. Click a trial.'),
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
              style: `border-left-color: ${studyColor(s.id)}`,
              onclick: () => ctx.openTrial(s.id, n.trial as number),
            },
            h('div', { class: 't' }, `#${n.trial} ${n.label}`, n.ranks.map((r) => h('span', { class: 'badge rank' }, `Top-${r}`))),
            n.details.length ? h('div', { class: 'd' }, n.details.join(', ')) : null,
            h('div', { class: 'r' }, `reward ${f3(n.reward)}`),
          )
        : h('div', { class: 'node source', 'data-source': n.label }, h('div', { class: 't' }, n.label), h('div', { class: 'd' }, n.details.join(', ')));
    el.style.visibility = 'hidden';
    area.append(el);
    els.set(n.id, el);
  }
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const [id, el] of els) graph.setNode(id, { width: el.offsetWidth || 160, height: el.offsetHeight || 56 });
  for (const e of g.edges) graph.setEdge(e.from, e.to);
  dagre.layout(graph);
  const size = graph.graph();
  const width = Math.ceil(size.width ?? 400);
  const height = Math.ceil(size.height ?? 200);
  area.style.width = `${width}px`;
  area.style.height = `${height}px`;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  const defs = document.createElementNS(SVG, 'defs');
  const marker = document.createElementNS(SVG, 'marker');
  for (const [k, v] of Object.entries({ id: `arrow-${s.id}`, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse' })) marker.setAttribute(k, v);
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
    path.setAttribute('d', pts.map((p: { x: number; y: number }, i: number) => `${i ? 'L' : 'M'} ${p.x.toFixed(1)} ${p.y.toFixed(1)}`).join(' '));
    path.setAttribute('fill', 'none');
    path.setAttribute('stroke', '#94a3b8');
    path.setAttribute('stroke-width', '1.5');
    path.setAttribute('marker-end', `url(#arrow-${s.id})`);
    svg.append(path);
  }
  area.prepend(svg);
  for (const [id, el] of els) {
    const n = graph.node(id);
    el.style.left = `${Math.round(n.x - n.width / 2)}px`;
    el.style.top = `${Math.round(n.y - n.height / 2)}px`;
    el.style.width = `${Math.ceil(n.width)}px`;
    el.style.visibility = 'visible';
  }
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
            h('li', { style: `padding-left: ${l.depth * 18}px` }, l.depth ? '↳ ' : '', l.trial !== undefined ? h('a', { onclick: () => ctx.openTrial(s.id, l.trial as number) }, `#${l.trial} `) : null, l.text, l.reward !== undefined ? `  (${f3(l.reward)})` : ''),
          ),
        ),
      ),
    ),
  );
}
