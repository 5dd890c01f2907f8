import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Absolute path of one of testkit's plugin entry modules. Built JavaScript when it exists (a job process
 * started by a subprocess or batch executor runs plain Node and cannot import TypeScript), else the
 * TypeScript source (vitest, in-process only).
 */
export function testkitModule(name: 'toy-plugin-entry' | 'scripted-plugin-entry'): string {
  const here = import.meta.url;
  if (here.endsWith('.js')) return fileURLToPath(new URL(`./${name}.js`, here));
  const built = fileURLToPath(new URL(`../dist/${name}.js`, here));
  return existsSync(built) ? built : fileURLToPath(new URL(`./${name}.ts`, here));
}
