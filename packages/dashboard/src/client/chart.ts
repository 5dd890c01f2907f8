// uPlot helpers: a chart that fills its container's width and is destroyed with the view.
import uPlot from 'uplot';
import type { Ctx } from './context.js';

export function mountChart(ctx: Ctx, container: HTMLElement, opts: Omit<uPlot.Options, 'width'>, data: uPlot.AlignedData): uPlot {
  const width = Math.max(320, container.clientWidth || container.parentElement?.clientWidth || 800);
  const u = new uPlot({ ...opts, width }, data, container);
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
