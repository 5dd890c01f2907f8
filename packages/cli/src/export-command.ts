import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openStudy, UsageError } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { optunaJournalLines } from './optuna-journal.js';

export const EXPORT_HELP = `lamdagent export DIR --format optuna-journal -o FILE [--study-name NAME] [--force]
  Write a study in another tool's format.
  --format optuna-journal   Optuna's journal storage file: open it with \`optuna-dashboard FILE\`, or
                            optuna.load_study(study_name=NAME, storage=JournalStorage(JournalFileBackend(FILE))).
                            Trials with their reward as the value, the action and its inputs as params,
                            per-task scores (score.<task>, test.<task>), state, model and lineage as user attributes.
  -o FILE                   output file (refused when it exists, unless --force: Optuna appends to a journal)
  --study-name NAME         Optuna study name (default: the config's name, else the folder's name)`;

const FORMATS = ['optuna-journal'] as const;

/** `lamdagent export`: returns the exit code; bad input throws a UsageError (exit 2) before anything is written. */
export function exportCommand(argv: string[], io: { out(t: string): void; cwd: string }): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { format: { type: 'string', short: 'f' }, out: { type: 'string', short: 'o' }, 'study-name': { type: 'string' }, force: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nusage: ${EXPORT_HELP.split('\n')[0]}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !values.out || !values.format) throw new UsageError(`usage: ${EXPORT_HELP.split('\n')[0]}`);
  if (!(FORMATS as readonly string[]).includes(values.format))
    throw new UsageError(`--format: unknown format "${values.format}" (known: ${FORMATS.join(', ')})`);
  const view = openStudy(path.resolve(io.cwd, positionals[0] as string));
  const out = path.resolve(io.cwd, values.out);
  if (existsSync(out) && !values.force) throw new UsageError(`${out} exists (Optuna would append this study to it); remove it or pass --force`);
  const lines = optunaJournalLines(view, values['study-name'] ? { studyName: values['study-name'] } : {});
  writeFileAtomic(out, `${lines.join('\n')}\n`);
  io.out(`wrote ${out}: ${lines.filter((l) => l.startsWith('{"op_code":4,')).length} trials (open with: optuna-dashboard ${values.out})`);
  return 0;
}
