// The dashboard page: reads the embedded data, routes between views by the URL hash, and (live) follows
// the server's change events to refetch a study whose journal grew.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { DashboardData, StudyData, TrialTranscripts } from '../types.js';
import type { Ctx } from './context.js';
import { costsView } from './costs.js';
import { detailDrawer } from './detail.js';
import { f3, h, studyColor } from './dom.js';
import { historyView } from './history.js';
import { leaderboardView } from './leaderboard.js';
import { pipelinesView } from './pipelines.js';
import { trialsView } from './trials.js';

const VIEWS = {
  history: { title: 'History', render: historyView },
  pipelines: { title: 'Pipelines', render: pipelinesView },
  leaderboard: { title: 'Leaderboard', render: leaderboardView },
  trials: { title: 'Trials', render: trialsView },
  costs: { title: 'Costs', render: costsView },
} as const;
type ViewName = keyof typeof VIEWS;

interface Route {
  view: ViewName;
  trial?: { study: number; index: number };
}

function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const view = (parts[0] && parts[0] in VIEWS ? parts[0] : 'history') as ViewName;
  if (parts[1] === 'trial' && /^\d+$/.test(parts[2] ?? '') && /^\d+$/.test(parts[3] ?? ''))
    return { view, trial: { study: Number(parts[2]), index: Number(parts[3]) } };
  return { view };
}

const dataEl = document.getElementById('lamdagent-data');
let data = JSON.parse(dataEl?.textContent ?? '{}') as DashboardData;
const app = document.getElementById('app') as HTMLElement;
const settings: Ctx['settings'] = { metric: 'reward', window: data.window || 15 };
let cleanups: (() => void)[] = [];
let connected = data.mode === 'live';
let lastUpdate = new Date();
const transcriptCache = new Map<string, { version: number; value: Promise<TrialTranscripts> }>();

const ctx: Ctx = {
  get data() {
    return data;
  },
  settings,
  openTrial(study, index) {
    location.hash = `#/${parseRoute(location.hash).view}/trial/${study}/${index}`;
  },
  rerender: () => render(),
  onCleanup: (fn) => cleanups.push(fn),
  transcripts(study, index) {
    const key = `${study}:${index}`;
    if (data.mode === 'report') return Promise.resolve(data.transcripts?.[key] ?? { errors: [] });
    const s = data.studies[study];
    // A finished and observed trial's transcripts never change: keep them; otherwise refetch after each update.
    const settled = !!s && s.trials.some((t) => t.index === index) && s.observes.some((o) => o.index === index);
    const version = settled ? -1 : (s?.version ?? 0);
    const hit = transcriptCache.get(key);
    if (hit && hit.version === version) return hit.value;
    const value = fetch(`api/studies/${study}/trials/${index}/transcripts`).then(async (r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return (await r.json()) as TrialTranscripts;
    });
    value.catch(() => transcriptCache.delete(key));
    transcriptCache.set(key, { version, value });
    return value;
  },
};

function header(): HTMLElement {
  const chips = data.studies.map((s) => {
    const best = s.trials.reduce<number | undefined>(
      (b, t) => (t.state === 'complete' && t.reward !== undefined && (b === undefined || t.reward > b) ? t.reward : b),
      undefined,
    );
    return h(
      'div',
      { class: 'chip', 'data-testid': `study-chip-${s.id}`, title: s.dir },
      h('span', { class: 'swatch', style: `background:${studyColor(s.id)}` }),
      h('b', {}, s.name),
      h('span', {}, `${s.policy} · ${s.trials.length}${s.budget !== null ? `/${s.budget}` : ''} trials`),
      s.running.length ? h('span', {}, `· ${s.running[0]!.interrupted ? 'interrupted' : 'running'} ${s.running.map((r) => `#${r.index}`).join(' ')}`) : null,
      h('span', {}, `· best ${f3(best)}`),
      s.warnings.length ? h('span', { class: 'warn', title: s.warnings.join('\n') }, `⚠ ${s.warnings.length}`) : null,
    );
  });
  const status =
    data.mode === 'live'
      ? h(
          'span',
          { class: 'status', 'data-testid': 'live-status' },
          h('span', { class: `dot ${connected ? 'live' : 'stale'}` }),
          connected ? `live · updated ${lastUpdate.toLocaleTimeString()}` : 'reconnecting…',
        )
      : h('span', { class: 'status' }, h('span', { class: 'dot' }), `report · ${new Date(data.generatedAt).toLocaleString()}`);
  return h('header', { class: 'top' }, h('h1', {}, 'LaMDAgent'), h('div', { class: 'studies' }, chips), status);
}

function warnings(studies: StudyData[]): HTMLElement | null {
  const all = studies.flatMap((s) => s.warnings.map((w) => `${studies.length > 1 ? `${s.name}: ` : ''}${w}`));
  if (!all.length) return null;
  return h(
    'div',
    { class: 'warnings' },
    'Read with warnings:',
    h(
      'ul',
      {},
      all.slice(-8).map((w) => h('li', {}, w)),
    ),
  );
}

function render(): void {
  const route = parseRoute(location.hash);
  const drawerScroll = app.querySelector('aside.drawer')?.scrollTop ?? 0;
  const scrollY = window.scrollY;
  for (const c of cleanups.splice(0)) c();
  cleanups = [];
  const nav = h(
    'nav',
    { class: 'tabs' },
    (Object.keys(VIEWS) as ViewName[]).map((v) => h('a', { href: `#/${v}`, class: v === route.view ? 'active' : undefined, 'data-view': v }, VIEWS[v].title)),
  );
  const main = h('main', { 'data-view': route.view }, warnings(data.studies), VIEWS[route.view].render(ctx));
  const parts: HTMLElement[] = [header(), nav, main];
  if (route.trial) {
    const close = (): void => {
      location.hash = `#/${route.view}`;
    };
    parts.push(h('div', { class: 'drawer-back', onclick: close }), detailDrawer(ctx, route.trial.study, route.trial.index, close));
  }
  app.replaceChildren(...parts);
  window.scrollTo(0, scrollY);
  const drawer = app.querySelector('aside.drawer');
  if (drawer) drawer.scrollTop = drawerScroll;
  document.title = `LaMDAgent · ${data.studies.map((s) => s.name).join(' vs ')}`;
}

window.addEventListener('hashchange', () => {
  const before = app.querySelector('aside.drawer');
  render();
  // A newly opened drawer starts at its top.
  const after = app.querySelector('aside.drawer');
  if (after && (!before || before.getAttribute('data-trial') !== after.getAttribute('data-trial'))) after.scrollTop = 0;
});
window.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && parseRoute(location.hash).trial) location.hash = `#/${parseRoute(location.hash).view}`;
});

async function refetch(id: number): Promise<void> {
  const r = await fetch(`api/studies/${id}`, { cache: 'no-store' });
  if (!r.ok) return;
  const s = (await r.json()) as StudyData;
  if ((data.studies[id]?.version ?? -1) === s.version) return;
  data = { ...data, studies: data.studies.map((x) => (x.id === id ? s : x)) };
  lastUpdate = new Date();
  render();
}

function follow(): void {
  if (typeof EventSource === 'undefined') {
    setInterval(() => data.studies.forEach((s) => void refetch(s.id)), 2000);
    return;
  }
  const es = new EventSource('api/events');
  es.addEventListener('open', () => {
    if (!connected) {
      connected = true;
      render();
    }
  });
  es.addEventListener('error', () => {
    if (connected) {
      connected = false;
      render();
    }
  });
  es.addEventListener('hello', (ev) => {
    const msg = JSON.parse((ev as MessageEvent<string>).data) as { versions: { id: number; version: number }[] };
    for (const v of msg.versions) if ((data.studies[v.id]?.version ?? -1) !== v.version) void refetch(v.id);
  });
  es.addEventListener('study', (ev) => {
    const msg = JSON.parse((ev as MessageEvent<string>).data) as { id: number; version: number };
    if ((data.studies[msg.id]?.version ?? -1) !== msg.version) void refetch(msg.id);
  });
}

render();
if (data.mode === 'live') follow();
