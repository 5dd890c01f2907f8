import { topK, type StudyView } from '@lamdagent/core';
import { overlaps, rewardInterval, type Interval } from '@lamdagent/science';

/** 95% bootstrap intervals of the top models' mean validation score, from the evaluator's per-item results (issue 12). */
export function topIntervals(view: StudyView, k: number): (Interval | undefined)[] {
  const cfg = view.snapshot.config as { tasks?: (string[] | { name: string; inReward?: boolean })[] };
  const tasks = (cfg.tasks ?? []).filter((t) => Array.isArray(t) || t.inReward !== false).map((t) => (Array.isArray(t) ? t[0]! : t.name));
  return topK(view.trials, k).map((t) => rewardInterval(view.dir, t, tasks));
}

/** Lines printed under `lamdagent top`: each interval, and which differences are inside the noise. */
export function topNoiseText(view: StudyView, k: number): string {
  const ivs = topIntervals(view, k);
  if (!ivs.some(Boolean)) return '';
  const f = (v: number): string => v.toFixed(3);
  const lines = ['', 'Mean validation score, 95% bootstrap interval over the per-item results:'];
  ivs.forEach((iv, i) => {
    if (!iv) return lines.push(`  Top-${i + 1}: no per-item results`);
    const noise = i > 0 && ivs[0] && overlaps(iv, ivs[0]) ? '  (inside the noise of the top-1)' : '';
    lines.push(`  Top-${i + 1}: ${f(iv.mean)} [${f(iv.lo)}, ${f(iv.hi)}]${noise}`);
  });
  return lines.join('\n');
}
