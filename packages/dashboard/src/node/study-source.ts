// One study folder as the dashboard sees it: the snapshot, the journal read incrementally, baselines.json,
// and transcripts reached only through a trial's own records. Read-only; never locks; safe while the study runs.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { STUDY_FILES, StudyLock, StudySnapshotSchema, StudyState, UsageError, type JournalRecordOf } from '@lamdagent/core';
import { overlaps, rewardInterval, type Interval } from '@lamdagent/science';
import { topTrials } from '../shape/lineage.js';
import { BaselinesSchema, ConfigSummarySchema, insideStudy, readSmallFile, TranscriptSchema } from './files.js';
import { JournalTail } from './journal-tail.js';
import type { Baseline, EvaluationRow, ObserveRow, RewardInterval, RunningRow, StudyData, TaskInfo, TranscriptEntry, TrialTranscripts } from '../types.js';

export const BASELINES_FILE = 'baselines.json';

interface Meta {
  name: string;
  configFile: string;
  createdAt: string;
  budget: number | null;
  policy: string;
  seed: number | null;
  topK: number | null;
  tasks: TaskInfo[];
}

const mtime = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
};

const runningRow = (r: JournalRecordOf<'trial-start'>, interrupted: boolean): RunningRow => ({
  index: r.index,
  action: r.action,
  startedAt: r.startedAt,
  ...(r.policy ? { policy: r.policy } : {}),
  ...(interrupted ? { interrupted } : {}),
});
const observeRow = (o: JournalRecordOf<'observe'>): ObserveRow => ({
  index: o.index,
  usage: o.usage,
  ...(o.state !== undefined ? { state: o.state } : {}),
  ...(o.transcript ? { transcript: o.transcript } : {}),
});

export class StudySource {
  readonly id: number;
  readonly dir: string;
  #tail: JournalTail;
  #meta!: Meta;
  #snapshotMtime = -2;
  #baselinesMtime = -2;
  #baselines: Baseline[] = [];
  #baselinesWarning: string | undefined;
  /** The journal replayed by core (trials, running trials, observations, evaluations). */
  readonly #state = new StudyState();
  /** Evaluations in shapes core does not write (read leniently). */
  #extraEvaluations: EvaluationRow[] = [];
  #warnings: string[] = [];
  #version = 0;
  /** Bootstrap intervals by trial index (a finished trial's item results never change); null: none on disk. */
  readonly #intervals = new Map<number, Interval | null>();
  #updatedAt = new Date().toISOString();

  constructor(dir: string, id: number) {
    this.id = id;
    this.dir = path.resolve(dir);
    if (!existsSync(path.join(this.dir, STUDY_FILES.snapshot))) throw new UsageError(`${this.dir} is not a study folder (no ${STUDY_FILES.snapshot})`);
    this.#tail = new JournalTail(path.join(this.dir, STUDY_FILES.journal));
    this.refresh();
  }

  get version(): number {
    return this.#version;
  }

  /** The top-k the study's config asks for, if it says. */
  get configTopK(): number | null {
    return this.#meta.topK;
  }

  /** Reads what changed since the last call (journal lines appended, snapshot or baselines rewritten). True if anything did. */
  refresh(): boolean {
    let changed = false;
    const snapFile = path.join(this.dir, STUDY_FILES.snapshot);
    const sm = mtime(snapFile);
    if (sm !== this.#snapshotMtime) {
      this.#meta = this.#readMeta(snapFile);
      this.#snapshotMtime = sm;
      changed = true;
    }
    const baseFile = path.join(this.dir, BASELINES_FILE);
    const bm = mtime(baseFile);
    if (bm !== this.#baselinesMtime) {
      this.#readBaselines(baseFile, bm);
      changed = true;
    }
    const res = this.#tail.poll();
    if (res.reset) {
      this.#state.clear();
      this.#intervals.clear();
      this.#extraEvaluations = [];
      this.#warnings = [];
    }
    for (const item of res.items) {
      if (item.type === 'evaluation') this.#extraEvaluations.push(item.row);
      else this.#state.apply(item.record);
    }
    this.#warnings.push(...res.warnings);
    if (this.#warnings.length > 50) this.#warnings.splice(0, this.#warnings.length - 50);
    if (res.reset || res.items.length || res.warnings.length) changed = true;
    if (changed) {
      this.#version += 1;
      this.#updatedAt = new Date().toISOString();
    }
    return changed;
  }

  #readMeta(file: string): Meta {
    let raw: unknown;
    try {
      raw = JSON.parse(readSmallFile(file));
    } catch (e) {
      throw new UsageError(`${file}: cannot read the study snapshot (${(e as Error).message})`);
    }
    const snap = StudySnapshotSchema.safeParse(raw);
    if (!snap.success) throw new UsageError(`${file}: not a study snapshot (${snap.error.issues[0]?.message ?? ''})`);
    const cfg = ConfigSummarySchema.safeParse(snap.data.config);
    const c = cfg.success ? cfg.data : {};
    const tasks: TaskInfo[] = (c.tasks ?? []).map((t) =>
      Array.isArray(t)
        ? { name: t[0], metric: t[1], inReward: true, max: 1 }
        : { name: t.name, metric: t.metric ?? 'acc', inReward: t.inReward ?? true, max: t.max ?? 1 },
    );
    return {
      name: c.name ?? path.basename(this.dir),
      configFile: snap.data.configFile,
      createdAt: snap.data.createdAt,
      budget: c.budget?.iterations ?? null,
      policy: typeof c.policy === 'string' ? c.policy : (c.policy?.name ?? 'random'),
      seed: c.seed ?? null,
      topK: c.topK ?? null,
      tasks,
    };
  }

  #readBaselines(file: string, m: number): void {
    this.#baselinesMtime = m;
    this.#baselines = [];
    this.#baselinesWarning = undefined;
    if (m < 0) return;
    try {
      const r = BaselinesSchema.safeParse(JSON.parse(readSmallFile(file)));
      if (r.success) this.#baselines = r.data;
      else {
        const i = r.error.issues[0];
        this.#baselinesWarning = `${BASELINES_FILE}: ${i ? `${i.path.join('.') || '(root)'}: ${i.message}` : 'invalid'} (ignored)`;
      }
    } catch (e) {
      this.#baselinesWarning = `${BASELINES_FILE}: ${(e as Error).message} (ignored)`;
    }
  }

  /** 95% intervals of the top-k trials' rewards, and which are inside the top-1's noise. */
  #topIntervals(k: number): Record<number, RewardInterval> {
    const tasks = this.#meta.tasks.filter((t) => t.inReward).map((t) => t.name);
    const tops = topTrials(this.#state.trials.values(), k);
    const of = (index: number): Interval | undefined => {
      if (!this.#intervals.has(index)) {
        const t = this.#state.trials.get(index);
        this.#intervals.set(index, (t && tasks.length ? rewardInterval(this.dir, t, tasks) : undefined) ?? null);
      }
      return this.#intervals.get(index) ?? undefined;
    };
    const first = tops[0] ? of(tops[0].index) : undefined;
    const out: Record<number, RewardInterval> = {};
    for (const t of tops) {
      const iv = of(t.index);
      if (iv) out[t.index] = { lo: iv.lo, hi: iv.hi, insideTop1Noise: first !== undefined && t !== tops[0] && overlaps(iv, first) };
    }
    return out;
  }

  /**
   * Trials started and not finished. As `lamdagent status` says: when no live process holds the study's
   * lock (kill -9, a crash, a cancelled run), they are interrupted, not running.
   */
  #running(): RunningRow[] {
    if (this.#state.running.size === 0) return [];
    const interrupted = StudyLock.owner(this.dir)?.alive !== true;
    return [...this.#state.running.values()].map((r) => runningRow(r, interrupted)).sort((a, b) => a.index - b.index);
  }

  /** Everything the page shows about this study (reward intervals for its top `k` trials). */
  data(k = 3): StudyData {
    return {
      id: this.id,
      name: this.#meta.name,
      dir: this.dir,
      configFile: this.#meta.configFile,
      createdAt: this.#meta.createdAt,
      budget: this.#meta.budget,
      policy: this.#meta.policy,
      seed: this.#meta.seed,
      tasks: this.#meta.tasks,
      trials: [...this.#state.trials.values()].sort((a, b) => a.index - b.index),
      running: this.#running(),
      observes: this.#state.observes.map(observeRow),
      evaluations: [
        ...this.#state.evaluations.map(({ index, split, scores, at, intervals }) => ({ index, split, scores, at, ...(intervals ? { intervals } : {}) })),
        ...this.#extraEvaluations,
      ],
      baselines: this.#baselines,
      intervals: this.#topIntervals(k),
      warnings: [...(this.#baselinesWarning ? [this.#baselinesWarning] : []), ...this.#warnings],
      version: this.#version,
      journalBytes: this.#tail.offset,
      updatedAt: this.#updatedAt,
    };
  }

  /** Whether a trial with this index is known (finished or running). */
  hasTrial(index: number): boolean {
    return this.#state.trials.has(index) || this.#state.running.has(index);
  }

  /**
   * The transcripts of one trial, found through its own records (the trial's policy note, its observe
   * record); never a path taken from a request. Paths that would leave the study folder are refused.
   */
  transcripts(index: number): TrialTranscripts {
    const out: TrialTranscripts = { errors: [] };
    const selectPath = (this.#state.trials.get(index) ?? this.#state.running.get(index))?.policy?.transcript;
    const observePath = [...this.#state.observes].reverse().find((o) => o.index === index)?.transcript;
    const read = (rel: string): TranscriptEntry[] | undefined => {
      const at = insideStudy(this.dir, rel);
      if (!at.ok) {
        out.errors.push(at.why);
        return undefined;
      }
      try {
        const r = TranscriptSchema.safeParse(JSON.parse(readSmallFile(at.file)));
        if (r.success) return r.data;
        out.errors.push(`${rel}: not a transcript (${r.error.issues[0]?.message ?? 'invalid'})`);
      } catch (e) {
        out.errors.push(`${rel}: ${(e as Error).message}`);
      }
      return undefined;
    };
    if (selectPath) {
      const s = read(selectPath);
      if (s) out.select = s;
    }
    if (observePath) {
      const o = read(observePath);
      if (o) out.observe = o;
    }
    return out;
  }
}

/** Opens several study folders; two with the same folder name get their parent's name added. */
export function openSources(dirs: readonly string[]): StudySource[] {
  if (dirs.length === 0) throw new UsageError('give at least one study folder');
  return dirs.map((d, i) => new StudySource(d, i));
}
