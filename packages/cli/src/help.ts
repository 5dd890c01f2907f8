import { EXPORT_HELP } from './export-command.js';
import { INIT_HELP } from './init-command.js';
import { LOG_FORMAT_HELP } from './log-json.js';
import { MERGE_HELP } from './merge-command.js';
import { SCIENCE_USAGE } from './science-commands.js';

/** The CLI's overview (`lamdagent --help`) and each study command's help (`lamdagent CMD --help`); science commands keep theirs beside their code. */
export const HELP = `lamdagent: search post-training pipelines (SFT, merging, preference learning) with an agent

Usage:
  lamdagent run CONFIG [--out DIR] [--iterations N] [--seed S] [--policy NAME] [--concurrency K] [--json] [--log-format json]
  lamdagent resume DIR [--iterations N] [--json] [--log-format json]
  lamdagent status DIR [--json]
  lamdagent top DIR [-k K] [--json]
  lamdagent show DIR TRIAL [--json]
  lamdagent costs DIR [--json]
  lamdagent dashboard DIR... [--port P] [--host H]
  lamdagent report DIR... -o report.html
  lamdagent validate CONFIG [--json]
  lamdagent plugins [--config CONFIG] [--json]
  lamdagent schema                      print the JSON Schema of the config format
${SCIENCE_USAGE}
  lamdagent merge CONFIG OUT_DIR [--dry-run]   merge models as a mergekit YAML config says
  lamdagent export DIR --format optuna-journal -o FILE   a study as Optuna's journal (optuna-dashboard FILE)
  lamdagent init [DIR]                  write a commented study config from the models, datasets and tasks in DIR

A study runs the loop: the policy picks an action (an action type plus one object per slot) from
everything the object pool allows, an executor runs it, evaluators score the produced model on the
validation split of every task, the aggregator folds the scores into a reward, the policy learns
from it, and the model joins the pool. The study folder holds an append-only journal: kill it at
any time and \`lamdagent resume DIR\` continues.

Examples:
  lamdagent validate examples/quickstart/study.yaml
  lamdagent run examples/quickstart/study.yaml --out studies/qs --iterations 20
  lamdagent top studies/qs -k 3 --json | jq '.[0].pipeline'

Exit codes: 0 success, 2 bad input (config, paths, plugins, usage), 1 a failure while running.
Every read command accepts --json (a stable shape, documented in packages/cli/README.md).`;

export const COMMAND_HELP: Record<string, string> = {
  run: `lamdagent run CONFIG [options]
  Start a study from CONFIG (YAML or JSON; the paper's Figure 11 JSON is accepted as it is).
  --out DIR          study folder (default: studies/<config name>-<time>); must be new or empty
  --iterations N     trial budget (overrides budget.iterations)
  --seed S           seed (overrides seed)
  --policy NAME      policy (overrides policy), e.g. random, random-type, llm
  --concurrency K    trials at once (overrides concurrency)
  --cache DIR        shared action cache (overrides cache:): actions any study sharing it ran are reused
  --table FILE       replay a tabular benchmark (lamdagent bench export); --fill runs misses for real
  --data-dir DIR     evaluation data folder: DIR/<task>/validation.* and DIR/<task>/test.* (as the paper format's eval_data)
  --json             print the final status as JSON instead of tables
${LOG_FORMAT_HELP}
  Progress goes to stderr: trial n of N, the action, its reward and the best so far.`,
  resume: `lamdagent resume DIR [--iterations N] [--json] [--log-format json]
  Continue a study: trials a crash interrupted are re-run, then the loop goes on until the budget
  (raised with --iterations N, the new total) is spent.`,
  status: `lamdagent status DIR [--json]\n  Every trial: state, action, produced model, per-task scores, reward, error.`,
  top: `lamdagent top DIR [-k K] [--json]\n  The K best models by validation reward, each with the pipeline (chain of trials) that made it.`,
  show: `lamdagent show DIR TRIAL [--json]\n  One trial in full: action, inputs, artifact, scores, timings, error with log excerpt, and the\n  policy's prompts and replies (secrets redacted).`,
  costs: `lamdagent costs DIR [--json]\n  Agent tokens and cost per step (type, objects, memory) and compute time per action type.`,
  dashboard: `lamdagent dashboard DIR... [--port P] [--host H] [-k K]
  Serve the dashboard for one or more studies (history, pipelines, leaderboard, trial detail, costs),
  updating live while they run. Binds 127.0.0.1:4747 by default; --port 0 picks a free port. Read-only:
  it never locks or writes a study folder. Stop with Ctrl-C.`,
  report: `lamdagent report DIR... -o report.html [-k K]\n  Write the dashboard's views as one self-contained HTML file (no network needed to view it).`,
  validate: `lamdagent validate CONFIG [--data-dir DIR] [--json]\n  Check a config against the schema and the installed plugins without running anything (with a data folder: its files exist and their first records parse).`,
  plugins: `lamdagent plugins [--config CONFIG] [--json]\n  The plugins found (listed in CONFIG's plugins: and installed in the project) and what each provides.`,
  schema: `lamdagent schema\n  Print the JSON Schema of the native config format (for editor completion).`,
  merge: MERGE_HELP,
  export: EXPORT_HELP,
  init: INIT_HELP,
};
