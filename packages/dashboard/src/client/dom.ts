// A tiny DOM builder (text is always set as text, never parsed as HTML) and number formats.

export type Child = Node | string | number | null | undefined | false | Child[];
type AttrValue = string | number | boolean | null | undefined | ((ev: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, AttrValue> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];
export const studyColor = (id: number): string => PALETTE[id % PALETTE.length] as string;

export const f3 = (x: number | null | undefined): string => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '–');

export function fsec(s: number | null | undefined): string {
  if (typeof s !== 'number' || !Number.isFinite(s)) return '–';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 90) return `${s.toFixed(1)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(2)} h`;
}

export const ftok = (n: number): string => (n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(n));
export const fusd = (n: number): string => `$${n < 1 ? n.toFixed(4) : n.toFixed(2)}`;

export function table(head: (string | HTMLElement)[], rows: HTMLTableRowElement[], opts: { numeric?: number[]; cls?: string } = {}): HTMLElement {
  const num = new Set(opts.numeric ?? []);
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: `grid ${opts.cls ?? ''}` },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          head.map((c, i) => h('th', { class: num.has(i) ? 'num' : undefined }, c)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

export function stateBadge(state: string): HTMLElement {
  return h('span', { class: `badge ${state}` }, state);
}
