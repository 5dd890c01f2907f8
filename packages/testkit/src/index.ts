export { pluginConformance, type ConformanceOptions } from './conformance.js';
