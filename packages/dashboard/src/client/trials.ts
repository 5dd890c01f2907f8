// Trials view: every trial of every study as a table; click a row for the trial's detail.
import type { StudyData, TrialRecord } from '../types.js';
import type { Ctx } from './context.js';
import { f3, fsec, h, stateBadge, studyColor, table } from './dom.js';

export function describeAction(a: { name: string; inputs: { name: string }[] }): string {
  return `${a.name}(${a.inputs.map((i) => i.name).join(', ')})`;
}

export function totalSec(t: TrialRecord): number | null {
  return t.endedAt ? (Date.parse(t.endedAt) - Date.parse(t.startedAt)) / 1000 : null;
}

function note(t: TrialRecord): string {
  if (t.error) return `${t.error.type}: ${t.error.message}`;
  if (t.cachedFrom !== undefined) return `same action as trial ${t.cachedFrom}`;
  if (t.policy?.fallback) return `fallback: ${t.policy.fallback}`;
  return '';
}

export function trialsView(ctx: Ctx): HTMLElement {
  const studies = ctx.data.studies;
  const multi = studies.length > 1;
  const tasks = [...new Set(studies.flatMap((s) => s.tasks.map((t) => t.name).concat(s.trials.flatMap((t) => Object.keys(t.scores)))))];
  const rows: HTMLTableRowElement[] = [];
  const add = (s: StudyData): void => {
    for (const t of s.trials) {
      rows.push(
        h(
          'tr',
          { class: `click ${t.state}`, 'data-trial': t.index, 'data-study': s.id, onclick: () => ctx.openTrial(s.id, t.index) },
          multi ? h('td', {}, h('span', { style: `color:${studyColor(s.id)}` }, '■ '), s.name) : null,
          h('td', { class: 'num' }, t.index),
          h('td', {}, stateBadge(t.state)),
          h('td', { class: 'mono' }, describeAction(t.action)),
          h('td', { class: 'mono' }, t.produced?.name ?? ''),
          tasks.map((k) => h('td', { class: 'num' }, f3(t.scores[k]))),
          h('td', { class: 'num' }, f3(t.reward)),
          h('td', { class: 'num' }, fsec(totalSec(t))),
          h('td', { title: note(t) }, note(t).slice(0, 90)),
        ),
      );
    }
    for (const r of s.running) {
      rows.push(
        h(
          'tr',
          {
            class: `click ${r.interrupted ? 'interrupted' : 'running'}`,
            'data-trial': r.index,
            'data-study': s.id,
            onclick: () => ctx.openTrial(s.id, r.index),
          },
          multi ? h('td', {}, s.name) : null,
          h('td', { class: 'num' }, r.index),
          h('td', {}, stateBadge(r.interrupted ? 'interrupted' : 'running')),
          h('td', { class: 'mono' }, describeAction(r.action)),
          h('td', {}, ''),
          tasks.map(() => h('td', {}, '')),
          h('td', {}, ''),
          h('td', { class: 'num' }, r.interrupted ? '' : fsec((Date.now() - Date.parse(r.startedAt)) / 1000)),
          h(
            'td',
            {},
            r.interrupted
              ? `started ${new Date(r.startedAt).toLocaleTimeString()}; no process runs it: \`lamdagent resume\` continues it`
              : `started ${new Date(r.startedAt).toLocaleTimeString()}`,
          ),
        ),
      );
    }
  };
  studies.forEach(add);
  const head = [...(multi ? ['study'] : []), '#', 'state', 'action', 'model', ...tasks, 'reward', 'time', 'note'];
  const off = multi ? 1 : 0;
  const numeric = [0, ...tasks.map((_, i) => 4 + i), 4 + tasks.length, 5 + tasks.length].map((i) => i + off);
  return h(
    'div',
    { class: 'card' },
    h('h2', {}, 'Trials'),
    h('p', { class: 'sub' }, `${rows.length} trials; click one for its action, scores, timings, error and the agent's reasoning.`),
    rows.length ? table(head, rows, { numeric, cls: 'trials' }) : h('div', { class: 'empty' }, 'No trial yet.'),
  );
}
