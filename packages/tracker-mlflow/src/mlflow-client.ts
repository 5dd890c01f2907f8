import { z } from 'zod';
import { createRedactor } from '@lamdagent/core/kit';

/** One key/value of MLflow's REST API (params, tags). */
export interface KeyValue {
  key: string;
  value: string;
}

export interface Metric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export type RunStatus = 'RUNNING' | 'FINISHED' | 'FAILED' | 'KILLED';

/** An MLflow REST call that failed: HTTP status and MLflow's `error_code` when it sent one. */
export class MlflowError extends Error {
  readonly status: number;
  readonly errorCode: string | undefined;
  constructor(message: string, status: number, errorCode?: string) {
    super(message);
    this.name = 'MlflowError';
    this.status = status;
    this.errorCode = errorCode;
  }
}

const ErrorBody = z.object({ error_code: z.string().optional(), message: z.string().optional() }).passthrough();
const ExperimentBody = z.object({ experiment: z.object({ experiment_id: z.string() }).passthrough() });
const CreateExperimentBody = z.object({ experiment_id: z.string() });
const RunBody = z.object({ run: z.object({ info: z.object({ run_id: z.string() }).passthrough() }).passthrough() });
const SearchRunsBody = z.object({ runs: z.array(RunBody.shape.run).optional() });

export interface MlflowClientOptions {
  /** Tracking server, e.g. http://127.0.0.1:5000 (a trailing slash is ignored). */
  trackingUri: string;
  /** Per-request time limit. */
  timeoutMs: number;
  /** `MLFLOW_TRACKING_TOKEN` (Bearer), else `MLFLOW_TRACKING_USERNAME` / `MLFLOW_TRACKING_PASSWORD` (Basic): sent, never logged. */
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

/**
 * The few calls of MLflow's REST API (`/api/2.0/mlflow/...`) a tracker needs. Errors carry the HTTP
 * status and MLflow's error code, with credentials redacted from their text.
 */
export class MlflowClient {
  readonly #base: string;
  readonly #o: MlflowClientOptions;
  readonly #headers: Record<string, string>;
  readonly #redact: (s: string) => string;

  constructor(o: MlflowClientOptions) {
    this.#o = o;
    this.#base = o.trackingUri.replace(/\/+$/, '');
    const token = o.env['MLFLOW_TRACKING_TOKEN'];
    const user = o.env['MLFLOW_TRACKING_USERNAME'];
    const password = o.env['MLFLOW_TRACKING_PASSWORD'];
    this.#headers = { 'content-type': 'application/json' };
    if (token) this.#headers['authorization'] = `Bearer ${token}`;
    else if (user && password) this.#headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    this.#redact = createRedactor([token, password]);
  }

  async #call(method: 'GET' | 'POST', endpoint: string, body: Record<string, unknown> | undefined, query?: Record<string, string>): Promise<unknown> {
    const url = `${this.#base}/api/2.0/mlflow/${endpoint}${query ? `?${new URLSearchParams(query).toString()}` : ''}`;
    let res: Response;
    try {
      res = await (this.#o.fetch ?? fetch)(url, {
        method,
        headers: this.#headers,
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new MlflowError(this.#redact(`${method} ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`), 0);
    }
    const text = await res.text();
    if (!res.ok) {
      let parsed: z.infer<typeof ErrorBody> | undefined;
      try {
        const r = ErrorBody.safeParse(JSON.parse(text));
        if (r.success) parsed = r.data;
      } catch {
        // not JSON (a proxy's page)
      }
      const what = parsed?.message ?? text.slice(0, 300);
      throw new MlflowError(
        this.#redact(`${method} ${endpoint}: HTTP ${res.status}${parsed?.error_code ? ` ${parsed.error_code}` : ''}: ${what}`),
        res.status,
        parsed?.error_code,
      );
    }
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      throw new MlflowError(`${method} ${endpoint}: the server answered HTTP ${res.status} with a body that is not JSON`, res.status);
    }
  }

  /** The experiment's id, creating it when it does not exist (a concurrent creation is tolerated). */
  async ensureExperiment(name: string): Promise<string> {
    const get = async (): Promise<string | undefined> => {
      try {
        return ExperimentBody.parse(await this.#call('GET', 'experiments/get-by-name', undefined, { experiment_name: name })).experiment.experiment_id;
      } catch (e) {
        if (e instanceof MlflowError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
        throw e;
      }
    };
    const found = await get();
    if (found) return found;
    try {
      return CreateExperimentBody.parse(await this.#call('POST', 'experiments/create', { name })).experiment_id;
    } catch (e) {
      if (e instanceof MlflowError && e.errorCode === 'RESOURCE_ALREADY_EXISTS') {
        const again = await get();
        if (again) return again;
      }
      throw e;
    }
  }

  /** Run ids of the experiment's runs matching an MLflow search filter (e.g. `tags."k" = 'v'`). */
  async searchRuns(experimentId: string, filter: string): Promise<string[]> {
    const body = SearchRunsBody.parse(await this.#call('POST', 'runs/search', { experiment_ids: [experimentId], filter, max_results: 10 }));
    return (body.runs ?? []).map((r) => r.info.run_id);
  }

  async createRun(experimentId: string, runName: string, startTime: number, tags: KeyValue[]): Promise<string> {
    const body = RunBody.parse(await this.#call('POST', 'runs/create', { experiment_id: experimentId, run_name: runName, start_time: startTime, tags }));
    return body.run.info.run_id;
  }

  /** Params, metrics and tags in batches within MLflow's limits (100 params, 1000 metrics and tags per call). */
  async logBatch(runId: string, batch: { params?: KeyValue[]; metrics?: Metric[]; tags?: KeyValue[] }): Promise<void> {
    const params = batch.params ?? [];
    const metrics = batch.metrics ?? [];
    const tags = batch.tags ?? [];
    for (let i = 0; i === 0 || i < Math.max(params.length / 100, metrics.length / 1000, tags.length / 1000); i++) {
      const p = params.slice(i * 100, (i + 1) * 100);
      const m = metrics.slice(i * 1000, (i + 1) * 1000);
      const t = tags.slice(i * 1000, (i + 1) * 1000);
      if (p.length || m.length || t.length) await this.#call('POST', 'runs/log-batch', { run_id: runId, params: p, metrics: m, tags: t });
    }
  }

  async endRun(runId: string, status: RunStatus, endTime: number): Promise<void> {
    await this.#call('POST', 'runs/update', { run_id: runId, status, end_time: endTime });
  }
}
