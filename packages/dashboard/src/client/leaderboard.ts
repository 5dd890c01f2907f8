// Leaderboard view: the top-k models by validation reward beside the baselines of baselines.json, per split,
// with in-distribution and out-of-distribution task groups (the paper's Table 1). Best bold, top three underlined.
import { leaderboard, type BoardRow, type BoardTable } from '../shape/leaderboard.js';
import type { StudyData } from '../types.js';
import type { Ctx } from './context.js';
import { f3, h } from './dom.js';

export function leaderboardView(ctx: Ctx): HTMLElement {
  return h(
    'div',
    {},
    ctx.data.studies.map((s) => studyBoard(ctx, s)),
  );
}

function studyBoard(ctx: Ctx, s: StudyData): HTMLElement {
  const tables = leaderboard(s, ctx.data.k);
  const card = h(
    'div',
    { class: 'card', 'data-testid': `leaderboard-${s.id}` },
    h('h2', {}, `${ctx.data.studies.length > 1 ? `${s.name}: ` : ''}top-${ctx.data.k} by validation reward`),
  );
  const hints: string[] = [];
  if (!s.baselines.length) hints.push('no baselines.json in the study folder (an array of {name, scores: {task: score}, split}) — add one to compare');
  if (!tables.some((t) => t.split === 'test')) hints.push('no test-split evaluation in the journal yet');
  card.append(h('p', { class: 'sub' }, 'Bold: best in its column; underlined: top three. ', hints.length ? `(${hints.join('; ')})` : ''));
  for (const t of tables) card.append(boardTable(ctx, s, t));
  return card;
}

function cell(t: BoardTable, key: string, v: number | null | undefined, partial = false, iv?: { lo: number; hi: number }): HTMLTableCellElement {
  const cls = ['num'];
  if (typeof v === 'number') {
    const spread = t.best[key] !== undefined && t.worst[key] !== undefined && (t.best[key] as number) > (t.worst[key] as number);
    if (spread && v >= (t.best[key] as number)) cls.push('best');
    // Top three, unless the value is also the column's worst (ties at the bottom are not worth marking).
    else if (spread && v >= (t.third[key] as number) && v > (t.worst[key] as number)) cls.push('top3');
  }
  return h(
    'td',
    { class: cls.join(' ') },
    `${f3(v)}${partial && typeof v === 'number' ? '*' : ''}`,
    iv && typeof v === 'number'
      ? h('span', { class: 'interval', title: "95% bootstrap interval over the task's items" }, ` [${f3(iv.lo)}, ${f3(iv.hi)}]`)
      : null,
  );
}

/** The reward, with its 95% interval and a mark when it is inside the top-1's evaluation noise. */
function rewardCell(r: BoardRow): HTMLTableCellElement {
  const iv = r.interval;
  if (!iv) return h('td', { class: 'num' }, f3(r.reward));
  return h(
    'td',
    { class: 'num', 'data-testid': `reward-interval-${r.trial ?? ''}`, title: '95% bootstrap interval over the per-item validation results' },
    f3(r.reward),
    h('span', { class: 'interval' }, ` [${f3(iv.lo)}, ${f3(iv.hi)}]`),
    iv.insideTop1Noise
      ? h('span', { class: 'noise', title: "the interval overlaps the top-1's: the difference is inside the evaluation noise" }, ' ~top-1')
      : null,
  );
}

function boardTable(ctx: Ctx, s: StudyData, t: BoardTable): HTMLElement {
  const groups = [
    { name: 'In-distribution', cols: t.columns.filter((c) => c.group === 'in-distribution') },
    { name: 'Out-of-distribution', cols: t.columns.filter((c) => c.group === 'out-of-distribution') },
  ].filter((g) => g.cols.length);
  const cols = groups.flatMap((g) => g.cols);
  const showReward = t.split === 'validation';
  const width = 2 + cols.length + 1 + (showReward ? 1 : 0);
  const head1 = h(
    'tr',
    {},
    h('th', { rowspan: 2 }, 'method'),
    h('th', { rowspan: 2 }, 'trial'),
    groups.map((g) => h('th', { colspan: g.cols.length, style: 'text-align:center' }, g.name)),
    h('th', { rowspan: 2, class: 'num' }, 'avg'),
    showReward ? h('th', { rowspan: 2, class: 'num' }, 'reward') : null,
  );
  const head2 = h(
    'tr',
    {},
    cols.map((c) => h('th', { class: 'num' }, c.task)),
  );
  const row = (r: BoardRow): HTMLTableRowElement =>
    h(
      'tr',
      r.trial !== undefined ? { class: 'click', 'data-trial': r.trial, onclick: () => ctx.openTrial(s.id, r.trial as number) } : {},
      h('td', {}, r.kind === 'top' ? `LaMDAgent ${r.label}` : r.label),
      h('td', {}, r.trial !== undefined ? `#${r.trial}` : ''),
      cols.map((c) => cell(t, c.task, r.scores[c.task], false, r.taskIntervals?.[c.task])),
      cell(t, 'avg', r.avg, r.partial),
      showReward ? rewardCell(r) : null,
    );
  const baselines = t.rows.filter((r) => r.kind === 'baseline');
  const tops = t.rows.filter((r) => r.kind === 'top');
  const section = (label: string): HTMLTableRowElement => h('tr', { class: 'section' }, h('td', { colspan: width }, label));
  const body = [
    ...(baselines.length ? [section('Baselines'), ...baselines.map(row)] : []),
    section(`LaMDAgent (${s.policy} policy)`),
    ...(tops.length
      ? tops.map(row)
      : [
          h(
            'tr',
            {},
            h('td', { colspan: width, class: 'empty' }, t.split === 'test' ? 'no top model evaluated on the test split yet' : 'no completed trial yet'),
          ),
        ]),
  ];
  return h(
    'div',
    { class: 'scroll' },
    h('h3', {}, t.split === 'validation' ? 'Validation split (the search scores)' : 'Test split'),
    h('table', { class: 'grid board', 'data-testid': `board-${t.split}` }, h('thead', {}, head1, head2), h('tbody', {}, body)),
    t.rows.some((r) => r.partial && r.avg !== null) ? h('p', { class: 'note' }, '* average over the tasks this row has a score for') : null,
    t.rows.some((r) => r.interval)
      ? h('p', { class: 'note' }, "[lo, hi]: the reward's 95% bootstrap interval over the per-item validation results; ~top-1: inside the top-1's noise")
      : null,
  );
}
