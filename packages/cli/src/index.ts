export { main, type Io } from './cli.js';
export { statusJson, topJson, trialJson, type TrialJson, type TopJson } from './format.js';
export { costsJson, costsText, type CostsJson } from './costs.js';
