// Runs a study in a child process (used by the kill -9 test): node run-study.mjs CONFIG OUT [resume]
import { resumeStudy, runStudy } from '../dist/index.js';

const [config, out, mode] = process.argv.slice(2);
const onEvent = (e) => process.stdout.write(`${JSON.stringify(e.type === 'trial-end' ? { type: e.type, index: e.trial.index } : { type: e.type })}\n`);
const res = mode === 'resume' ? await resumeStudy({ dir: out, onEvent }) : await runStudy({ configPath: config, outDir: out, onEvent });
process.stdout.write(`done ${res.trials.length}\n`);
