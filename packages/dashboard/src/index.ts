// @lamdagent/dashboard: see a study as the paper's figures show it, live (serveDashboard) or as one HTML file (writeReport).
export { serveDashboard, DEFAULT_PORT, type DashboardServer, type DashboardServerOptions } from './node/server.js';
export { writeReport, type ReportOptions } from './node/report.js';
export { StudySource, BASELINES_FILE } from './node/study-source.js';
export { JournalTail } from './node/journal-tail.js';
export { BaselinesSchema, EvaluationRecordSchema, TranscriptSchema } from './node/files.js';
export { DEFAULT_K, DEFAULT_WINDOW } from './node/data.js';
export { historyOf, windowStats, runningMax, metricsOf, type Metric, type HistoryPoint, type WindowStat } from './shape/history.js';
export { lineageGraph, topTrials, pipelineTrials, type LineageGraph, type LineageNode, type LineageEdge } from './shape/lineage.js';
export { tokensByStep, costByTrial, computeByStage, stepName, type TokenRow, type CostPoint, type StageRow } from './shape/costs.js';
export { leaderboard, type BoardTable, type BoardRow, type BoardColumn } from './shape/leaderboard.js';
export type * from './types.js';
