import type { Metric } from '../shape/history.js';
import type { DashboardData, TrialTranscripts } from '../types.js';

/** What a view needs from the app. */
export interface Ctx {
  data: DashboardData;
  settings: { metric: Metric; window: number };
  openTrial(study: number, index: number): void;
  /** Re-renders the current view (after a setting changed). */
  rerender(): void;
  /** Registers something to undo before the next render (a chart to destroy, an observer to disconnect). */
  onCleanup(fn: () => void): void;
  transcripts(study: number, index: number): Promise<TrialTranscripts>;
}
