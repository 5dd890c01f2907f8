export { pluginConformance, type ConformanceOptions } from './conformance.js';
export { freePort, trackersVenv, type TrackersVenv } from './trackers.js';
