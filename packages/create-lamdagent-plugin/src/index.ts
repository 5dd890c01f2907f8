export { KINDS, ScaffoldError, contributionName, pluginFiles, scaffold, type Kind, type ScaffoldOptions } from './scaffold.js';
export { main, type CliIo } from './cli.js';
