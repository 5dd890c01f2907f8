import path from 'node:path';
import { loadConfig, type StudyOverrides } from '@lamdagent/core';
import { sciencePluginEntry } from './compare.js';
import { configFingerprint } from './fingerprint.js';
import { checkTableFor, readTable } from './table.js';

/** Overrides that make a study replay `table` (after checking it belongs to the config's world). */
export async function replayOverrides(configPath: string, table: string, fill = false): Promise<StudyOverrides> {
  const file = path.resolve(table);
  const loaded = loadConfig(configPath);
  checkTableFor(readTable(file), file, (await configFingerprint(loaded)).fingerprint, loaded.file);
  return { executor: { name: 'replay', options: { table: file, fill } }, plugins: [sciencePluginEntry()] };
}
