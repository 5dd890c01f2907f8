import path from 'node:path';
import { parseArgs } from 'node:util';
import { KINDS, ScaffoldError, contributionName, scaffold, type Kind } from './scaffold.js';

const USAGE = `usage: npm create lamdagent-plugin@latest NAME -- --kind ${KINDS.join('|')} [--dir FOLDER]`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  cwd: string;
}

/** The `create-lamdagent-plugin` command; returns the exit code (2 for bad arguments). */
export function main(argv: string[], io: CliIo): number {
  let values: { kind?: string; dir?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { kind: { type: 'string', short: 'k' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    io.err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const name = positionals[0];
  if (!name || positionals.length > 1 || !values.kind) {
    io.err(USAGE);
    return 2;
  }
  const dir = path.resolve(io.cwd, values.dir ?? contributionName(name));
  try {
    const files = scaffold({ name, kind: values.kind as Kind, dir });
    io.out(`created ${name} (${values.kind} plugin) in ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}`);
    io.out(`next: cd ${path.relative(io.cwd, dir) || '.'} && npm install && npm run build && npm test`);
    return 0;
  } catch (e) {
    if (e instanceof ScaffoldError) {
      io.err(`create-lamdagent-plugin: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
