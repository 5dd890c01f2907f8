import type { CompareReport } from './compare-report.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Best-so-far validation reward per iteration: mean line and 95% band per arm, as a self-contained SVG. */
export function compareSvg(r: CompareReport, width = 720, height = 420): string {
  const m = { l: 56, r: 170, t: 28, b: 44 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const vals = r.arms.flatMap((a) => a.curve.flatMap((c) => (c.n ? [c.lo, c.hi] : [])));
  let lo = Math.min(...vals, 1);
  let hi = Math.max(...vals, 0);
  if (!(hi > lo)) [lo, hi] = [0, 1];
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const x = (i: number): number => m.l + (r.iterations <= 1 ? 0 : (i / (r.iterations - 1)) * pw);
  const y = (v: number): number => m.t + ph - ((v - lo) / (hi - lo)) * ph;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  parts.push(`<text x="${m.l}" y="18" font-size="14">Best-so-far validation reward (mean, 95% interval over ${r.seeds.length} seeds)</text>`);
  for (let k = 0; k <= 5; k++) {
    const v = lo + ((hi - lo) * k) / 5;
    parts.push(
      `<line x1="${m.l}" x2="${m.l + pw}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/><text x="${m.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(2)}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(r.iterations / 10));
  for (let i = 0; i < r.iterations; i += step) parts.push(`<text x="${x(i).toFixed(1)}" y="${m.t + ph + 16}" text-anchor="middle">${i + 1}</text>`);
  parts.push(`<text x="${m.l + pw / 2}" y="${height - 8}" text-anchor="middle">iteration</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  r.arms.forEach((a, k) => {
    const c = COLORS[k % COLORS.length]!;
    const pts = a.curve.map((p, i) => ({ i, p })).filter(({ p }) => p.n > 0);
    if (pts.length === 0) return;
    const band = [
      ...pts.map(({ i, p }) => `${x(i).toFixed(1)},${y(p.hi).toFixed(1)}`),
      ...pts.reverse().map(({ i, p }) => `${x(i).toFixed(1)},${y(p.lo).toFixed(1)}`),
    ].join(' ');
    pts.reverse();
    parts.push(`<polygon points="${band}" fill="${c}" fill-opacity="0.15" stroke="none"/>`);
    parts.push(
      `<polyline points="${pts.map(({ i, p }) => `${x(i).toFixed(1)},${y(p.mean).toFixed(1)}`).join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`,
    );
    const ly = m.t + 14 + k * 18;
    parts.push(
      `<line x1="${m.l + pw + 12}" x2="${m.l + pw + 32}" y1="${ly - 4}" y2="${ly - 4}" stroke="${c}" stroke-width="3"/><text x="${m.l + pw + 38}" y="${ly}">${esc(a.label)} ${a.final.mean.toFixed(3)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A self-contained HTML page: the figure and the statistics table. */
export function compareHtml(r: CompareReport, text: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>lamdagent compare</title></head><body style="font-family:sans-serif">
<h1>Policy comparison</h1><p>${esc(r.config)}: ${r.seeds.length} seeds × ${r.iterations} iterations${r.table ? `, replayed from ${esc(r.table)}` : ''}</p>
${compareSvg(r)}
<pre>${esc(text)}</pre></body></html>\n`;
}
