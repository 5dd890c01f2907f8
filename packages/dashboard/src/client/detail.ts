// Trial detail: action and inputs, produced artifact, per-task scores, timings, error with its log excerpt,
// the pipeline behind the model, and for an LLM policy its prompts, replies and the memory after the trial.
import { stepName } from '../shape/costs.js';
import { pipelineLines } from '../shape/lineage.js';
import type { JsonValue, RunningRow, StudyData, TranscriptEntry, TrialRecord, TrialTranscripts, Usage } from '../types.js';
import type { Ctx } from './context.js';
import { f3, fsec, ftok, fusd, h, stateBadge, table } from './dom.js';
import { totalSec } from './trials.js';

export function detailDrawer(ctx: Ctx, studyId: number, index: number, close: () => void): HTMLElement {
  const s = ctx.data.studies[studyId];
  const t = s?.trials.find((x) => x.index === index);
  const r = s?.running.find((x) => x.index === index);
  const drawer = h('aside', {
    class: 'drawer',
    'data-testid': 'trial-detail',
    'data-trial': index,
    'data-study': studyId,
    role: 'dialog',
    'aria-label': `trial ${index}`,
  });
  drawer.append(h('button', { class: 'close', type: 'button', title: 'close (Esc)', 'aria-label': 'close', onclick: close }, '×'));
  if (!s || (!t && !r)) {
    drawer.append(h('h2', {}, `Trial ${index}`), h('p', { class: 'empty' }, 'Not in the journal (yet).'));
    return drawer;
  }
  const action = (t ?? (r as RunningRow)).action;
  const state = t?.state ?? (r?.interrupted ? 'interrupted' : 'running');
  drawer.append(
    h('h2', {}, `Trial ${index}`, stateBadge(state), h('span', { class: 'mono' }, action.name)),
    h('p', { class: 'sub' }, ctx.data.studies.length > 1 ? `study ${s.name}` : s.dir),
  );
  drawer.append(summary(ctx, s, t, r));
  drawer.append(section('Action', actionBlock(ctx, s, action)));
  if (t) {
    drawer.append(section('Scores', scores(s, t)));
    drawer.append(section('Timings', timings(t)));
    if (t.error) drawer.append(section('Error', errorBlock(t)));
    if (t.state === 'complete') drawer.append(section('Pipeline of this model', pipeline(ctx, s, t)));
  }
  const agent = h('div', {}, h('p', { class: 'note' }, 'loading…'));
  drawer.append(section('Agent', agent));
  void ctx.transcripts(studyId, index).then(
    (tr) => agent.replaceChildren(agentBlock(s, index, t ?? r, tr)),
    (e: unknown) => agent.replaceChildren(h('p', { class: 'err' }, `cannot load the transcripts: ${(e as Error).message}`)),
  );
  return drawer;
}

const section = (title: string, body: Node): HTMLElement => h('section', {}, h('h3', {}, title), body);

function kv(pairs: [string, Node | string | null | undefined][]): HTMLElement {
  return h(
    'dl',
    { class: 'kv' },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [h('dt', {}, k), h('dd', {}, v as Node | string)]),
  );
}

function trialLink(ctx: Ctx, s: StudyData, index: number, text = `trial ${index}`): HTMLElement {
  return h('a', { onclick: () => ctx.openTrial(s.id, index) }, text);
}

function summary(ctx: Ctx, s: StudyData, t: TrialRecord | undefined, r: RunningRow | undefined): HTMLElement {
  return kv([
    ['reward', t?.reward !== undefined ? h('b', {}, f3(t.reward)) : null],
    ['model', t?.produced ? `${t.produced.name} (${t.produced.id})` : null],
    ['artifact', t?.produced ? h('span', { class: 'mono' }, t.produced.path) : null],
    ['same action as', t?.cachedFrom !== undefined ? trialLink(ctx, s, t.cachedFrom) : null],
    ['started', new Date((t ?? (r as RunningRow)).startedAt).toLocaleString()],
    ['ended', t?.endedAt ? new Date(t.endedAt).toLocaleString() : null],
    ['policy', (t ?? r)?.policy?.policy ?? s.policy],
    ['fallback', (t ?? r)?.policy?.fallback ?? null],
  ]);
}

function actionBlock(ctx: Ctx, s: StudyData, a: TrialRecord['action']): HTMLElement {
  const produced = new Map(s.trials.filter((x) => x.produced && x.state === 'complete').map((x) => [x.produced?.id, x.index]));
  const rows = a.inputs.map((i, n) => {
    const from = produced.get(i.id);
    return h(
      'tr',
      {},
      h('td', { class: 'num' }, n + 1),
      h('td', { class: 'mono' }, i.name),
      h('td', {}, i.kind),
      h('td', { class: 'mono' }, i.id),
      h('td', {}, from !== undefined ? trialLink(ctx, s, from) : ''),
    );
  });
  const params = Object.keys(a.params).length ? h('pre', { class: 'mono' }, JSON.stringify(a.params, null, 2)) : null;
  return h(
    'div',
    {},
    kv([
      ['type', a.type],
      ['action', a.name],
      ['key', h('span', { class: 'mono', title: a.key }, a.key.slice(0, 16))],
    ]),
    h('h3', { style: 'margin-top:10px' }, 'inputs'),
    table(['#', 'name', 'kind', 'id', 'made by'], rows, { numeric: [0] }),
    params,
  );
}

function scores(s: StudyData, t: TrialRecord): HTMLElement {
  const test = new Map<string, number>();
  for (const e of s.evaluations) if (e.index === t.index && e.split === 'test') for (const [k, v] of Object.entries(e.scores)) test.set(k, v);
  const tasks = [...new Set([...s.tasks.map((x) => x.name), ...Object.keys(t.scores), ...test.keys()])];
  const inReward = new Map(s.tasks.map((x) => [x.name, x.inReward]));
  const rows = tasks
    .filter((k) => t.scores[k] !== undefined || test.has(k))
    .map((k) =>
      h(
        'tr',
        {},
        h('td', {}, k, inReward.get(k) === false ? ' (not in reward)' : ''),
        h('td', { class: 'num' }, f3(t.scores[k])),
        test.size ? h('td', { class: 'num' }, f3(test.get(k))) : null,
      ),
    );
  if (!rows.length) return h('p', { class: 'note' }, 'no scores');
  const metrics = Object.entries(t.metrics);
  return h(
    'div',
    {},
    table(['task', 'validation', ...(test.size ? ['test'] : [])], rows, { numeric: [1, 2] }),
    metrics.length ? h('p', { class: 'note' }, `runner metrics: ${metrics.map(([k, v]) => `${k} ${v}`).join(', ')}`) : null,
  );
}

function timings(t: TrialRecord): HTMLElement {
  const order = ['select', 'smoke', 'execute', 'evaluate'];
  const keys = [...order.filter((k) => t.durations[k] !== undefined), ...Object.keys(t.durations).filter((k) => !order.includes(k))];
  const rows = keys.map((k) => h('tr', {}, h('td', {}, k), h('td', { class: 'num' }, fsec(t.durations[k]))));
  rows.push(h('tr', { class: 'section' }, h('td', {}, 'start to end'), h('td', { class: 'num' }, fsec(totalSec(t)))));
  const res = t.resources ? h('p', { class: 'note' }, `executor: ${t.resources.gpuHours.toFixed(4)} GPU hours, ${fsec(t.resources.wallSec)} wall`) : null;
  return h('div', {}, table(['stage', 'time'], rows, { numeric: [1] }), res);
}

function errorBlock(t: TrialRecord): HTMLElement {
  const e = t.error;
  if (!e) return h('div', {});
  return h(
    'div',
    { 'data-testid': 'trial-error' },
    h('p', { class: 'err' }, h('b', {}, e.type), `: ${e.message}`),
    e.exitCode !== undefined || e.signal
      ? h('p', { class: 'note' }, [e.exitCode !== undefined ? `exit code ${e.exitCode}` : '', e.signal ? ` signal ${e.signal}` : ''])
      : null,
    e.logExcerpt ? h('pre', { class: 'log' }, e.logExcerpt) : h('p', { class: 'note' }, 'no log excerpt'),
  );
}

function pipeline(ctx: Ctx, s: StudyData, t: TrialRecord): HTMLElement {
  return h(
    'ul',
    { class: 'pipes mono' },
    pipelineLines(t, s.trials).map((l) =>
      h(
        'li',
        { style: `padding-left:${l.depth * 18}px` },
        l.depth ? '↳ ' : '',
        l.trial !== undefined && l.trial !== t.index ? trialLink(ctx, s, l.trial, `#${l.trial}`) : l.trial !== undefined ? `#${l.trial}` : '',
        ' ',
        l.text,
        l.reward !== undefined ? `  (${f3(l.reward)})` : '',
      ),
    ),
  );
}

function memoryText(state: JsonValue | undefined): string | undefined {
  if (state === undefined || state === null) return undefined;
  if (typeof state === 'string') return state;
  if (typeof state === 'object' && !Array.isArray(state) && typeof state['memory'] === 'string') return state['memory'];
  return JSON.stringify(state, null, 2);
}

function messages(entries: TranscriptEntry[]): HTMLElement[] {
  return entries.map((e) =>
    h('div', { class: `msg ${e.role}` }, h('div', { class: 'role' }, h('span', {}, e.role), h('span', {}, e.step)), h('pre', {}, e.content)),
  );
}

function usageTable(usage: Usage[]): HTMLElement | null {
  if (!usage.length) return null;
  return table(
    ['step', 'input tokens', 'output tokens', 'cost'],
    usage.map((u) =>
      h(
        'tr',
        {},
        h('td', {}, stepName(u.step)),
        h('td', { class: 'num' }, ftok(u.inputTokens)),
        h('td', { class: 'num' }, ftok(u.outputTokens)),
        h('td', { class: 'num' }, fusd(u.costUsd)),
      ),
    ),
    { numeric: [1, 2, 3] },
  );
}

function agentBlock(s: StudyData, index: number, rec: TrialRecord | RunningRow | undefined, tr: TrialTranscripts): HTMLElement {
  const obs = [...s.observes].reverse().find((o) => o.index === index);
  const usage = [...(rec?.policy?.usage ?? []), ...(obs?.usage ?? [])];
  const memory = memoryText(obs?.state);
  const out = h('div', { 'data-testid': 'agent' });
  if (!tr.select && !tr.observe && !memory && !usage.length) {
    out.append(h('p', { class: 'note' }, `No prompts or memory recorded: the ${rec?.policy?.policy ?? s.policy} policy does not use an LLM.`));
  }
  const u = usageTable(usage);
  if (u) out.append(u);
  if (tr.select?.length) out.append(h('h3', { style: 'margin-top:12px' }, 'choosing the action'), ...messages(tr.select));
  if (memory) out.append(h('h3', { style: 'margin-top:12px' }, 'memory after this trial'), h('div', { class: 'memory', 'data-testid': 'memory' }, memory));
  if (tr.observe?.length) out.append(h('details', {}, h('summary', {}, 'memory update conversation'), ...messages(tr.observe)));
  for (const e of tr.errors) out.append(h('p', { class: 'err' }, e));
  return out;
}
