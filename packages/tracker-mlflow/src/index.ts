import { CORE_API_VERSION, definePlugin, type Factory, type Observer } from '@lamdagent/core';
import { MlflowObserver, MlflowOptionsSchema, type MlflowOptions } from './observer.js';

export { MlflowObserver, MlflowOptionsSchema, trialParams, trialMetrics, parentTrials, type MlflowOptions } from './observer.js';
export { MlflowClient, MlflowError, type KeyValue, type Metric, type RunStatus, type MlflowClientOptions } from './mlflow-client.js';

/** The `mlflow` observer: turn it on with `observers: [mlflow]` (options: trackingUri, experimentName, timeoutMs). */
export const mlflowObserverFactory: Factory<Observer, MlflowOptions> = {
  name: 'mlflow',
  description: "logs each trial as an MLflow run (params, metrics, tags) through MLflow's REST API",
  optionsSchema: MlflowOptionsSchema,
  create: (o, ctx) => new MlflowObserver(o, ctx.env),
};

export default definePlugin({
  name: '@lamdagent/tracker-mlflow',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  description: 'Experiment tracking in MLflow: each trial an MLflow run',
  provides: { observers: ['mlflow'] },
  register(r) {
    r.observer(mlflowObserverFactory);
  },
});
