// Runs a study in a child process (the kill -9 + resume test): node run-study.mjs CONFIG OUT
import { runStudy } from '@lamdagent/core';

const [config, out] = process.argv.slice(2);
const res = await runStudy({ configPath: config, outDir: out });
process.stdout.write(`done ${res.trials.length}\n`);
