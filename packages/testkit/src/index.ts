export { pluginConformance, type ConformanceOptions } from './conformance.js';
export { trackersVenv, type TrackersVenv } from './trackers.js';
