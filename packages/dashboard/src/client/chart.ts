// uPlot helpers: a chart that fills its container's width and is destroyed with the view.
import uPlot from 'uplot';
import type { Ctx } from './context.js';

/** The x range a person zoomed to, per chart key: kept across the re-renders live updates cause. */
const zooms = new Map<string, { min: number; max: number }>();

/**
 * Mount a uPlot chart. With `zoomKey`, a drag-zoom on x survives re-renders (live updates redraw the
 * view with new trials; the zoom stays until "Show all" or a double-click resets it). The current x
 * range is kept in the container's `data-xmin` / `data-xmax` attributes.
 */
export function mountChart(ctx: Ctx, container: HTMLElement, opts: Omit<uPlot.Options, 'width'>, data: uPlot.AlignedData, zoomKey?: string): uPlot {
  const width = Math.max(320, container.clientWidth || container.parentElement?.clientWidth || 800);
  let ready = false;
  const saved = zoomKey ? zooms.get(zoomKey) : undefined;
  const onScale = (u: uPlot, key: string): void => {
    if (key !== 'x') return;
    const { min, max } = u.scales['x'] ?? {};
    if (min === undefined || max === undefined || min === null || max === null) return;
    container.dataset['xmin'] = String(min);
    container.dataset['xmax'] = String(max);
    if (!zoomKey || !ready) return;
    const xs = u.data[0];
    const full = xs.length === 0 || (min <= (xs[0] as number) && max >= (xs[xs.length - 1] as number));
    if (full) zooms.delete(zoomKey);
    else zooms.set(zoomKey, { min, max });
    reset.hidden = full;
  };
  const reset = document.createElement('button');
  reset.type = 'button';
  reset.className = 'zoom-reset';
  reset.textContent = 'Show all';
  reset.hidden = true;
  const hooks = { ...opts.hooks, setScale: [...(opts.hooks?.setScale ?? []), onScale] };
  const u = new uPlot({ ...opts, hooks, width }, data, container);
  ready = true;
  if (saved) u.setScale('x', saved);
  if (zoomKey) {
    reset.addEventListener('click', () => {
      const xs = u.data[0];
      if (xs.length) u.setScale('x', { min: xs[0] as number, max: xs[xs.length - 1] as number });
    });
    container.append(reset);
  }
  const ro = new ResizeObserver(() => {
    const w = Math.max(320, container.clientWidth);
    if (Math.abs(w - u.width) > 2) u.setSize({ width: w, height: u.height });
  });
  ro.observe(container);
  ctx.onCleanup(() => {
    ro.disconnect();
    u.destroy();
  });
  return u;
}

/** A points-only series. */
export function pointsSeries(label: string, stroke: string, fill: string, size = 7, scale = 'y'): uPlot.Series {
  return { label, scale, stroke, fill, width: 0, paths: () => null, points: { show: true, size, stroke, fill, width: 1.5 } };
}

export const steppedPaths = uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
