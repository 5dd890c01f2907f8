import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '@lamdagent/core';
import { configToRequest, MergeOptionsError, parseMergekitConfig, pathResolver, refsOf, runMerge, type RunMergeResult } from '@lamdagent/action-ties';
import { isSafetensorsError } from '@lamdagent/safetensors';

/** What `lamdagent merge` writes to (the CLI's Io, less what it does not use). */
export interface MergeIo {
  out(text: string): void;
  err(text: string): void;
  cwd: string;
  /** True when stderr is a terminal: the progress bar redraws one line. */
  tty?: boolean;
}

export const MERGE_HELP = `lamdagent merge CONFIG OUT_DIR [--dry-run] [--threads N] [--max-shard-size SIZE] [--seed S] [--json]
  Merge models as a mergekit YAML config says (merge_method, base_model, models or slices,
  parameters with gradients and filters, dtype, out_dtype, tokenizer_source), into OUT_DIR (must not
  exist; written whole or not at all). Model references are local folders, relative to the current folder.
  --dry-run          read only the inputs' headers: check tensor names, shapes, dtypes and parameters
  --threads N        worker threads (default: one per core; 0: main thread only)
  --max-shard-size   largest output shard, e.g. 5GB, 500MB (default: as the base)
  --seed S           seed of the random masks of dare_* and della* (default 0)
  --json             print the result (or the plan) as JSON`;

function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?$/i.exec(v.trim());
  if (!m) throw new UsageError(`--max-shard-size expects a size such as 5GB or 500MB, got ${v}`);
  const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 }[(m[2] ?? 'B').toUpperCase() as 'B'];
  return Math.max(1, Math.round(Number(m[1]) * unit));
}

const gb = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`);

function progressBar(io: MergeIo): (p: { done: number; total: number; bytesDone: number; bytesTotal: number; bytesRead: number }) => void {
  const t0 = performance.now();
  let lastDecile = -1;
  return (p) => {
    const frac = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
    const s = (performance.now() - t0) / 1000;
    const rate = s > 0 ? p.bytesRead / 1e6 / s : 0;
    const width = 30;
    const filled = Math.round(frac * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${p.done}/${p.total} tensors  ${gb(p.bytesDone)}/${gb(p.bytesTotal)}  ${rate.toFixed(0)} MB/s read`;
    if (io.tty) {
      process.stderr.write(`\r${line}${p.done === p.total ? '\n' : ''}`);
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        io.err(line);
      }
    }
  };
}

/** `lamdagent merge CONFIG OUT_DIR`: returns the exit code; bad input throws an error with exit code 2. */
export async function mergeCommand(argv: string[], io: MergeIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean' },
        threads: { type: 'string' },
        'max-shard-size': { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${MERGE_HELP}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new UsageError(`usage: ${MERGE_HELP.split('\n')[0]}`);
  const configPath = path.resolve(io.cwd, positionals[0] as string);
  const outDir = path.resolve(io.cwd, positionals[1] as string);
  const int = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} expects a non-negative integer, got ${v}`);
    return n;
  };
  const threads = int(values.threads, 'threads');
  const seed = int(values.seed, 'seed');
  const maxShardBytes = values['max-shard-size'] === undefined ? undefined : parseSize(values['max-shard-size']);
  if (!existsSync(configPath)) throw new UsageError(`${configPath}: no such config file`);
  const config = parseMergekitConfig(readFileSync(configPath, 'utf8'), configPath);
  const resolve = pathResolver(io.cwd);
  for (const ref of refsOf(config)) {
    if (!existsSync(resolve(ref)))
      throw new MergeOptionsError(
        `${configPath}: model ${JSON.stringify(ref)}: no such folder or file ${resolve(ref)} (only local checkpoints: no model hub here)`,
      );
  }
  if (config.tokenizer_source && config.tokenizer_source !== 'base' && !existsSync(resolve(config.tokenizer_source))) {
    throw new MergeOptionsError(
      `${configPath}: tokenizer_source ${JSON.stringify(config.tokenizer_source)}: no such folder ${resolve(config.tokenizer_source)}`,
    );
  }
  const request = configToRequest(config, resolve, seed);
  if (existsSync(outDir)) throw new MergeOptionsError(`output folder ${outDir} exists: give a new folder (nothing was written)`);
  const options = {
    outputDir: outDir,
    refuseExisting: true,
    ...(threads !== undefined ? { threads } : {}),
    ...(maxShardBytes !== undefined ? { maxShardBytes } : {}),
  };
  let plan: RunMergeResult;
  try {
    // headers only: every problem with the inputs is found before a byte of weights is read
    plan = await runMerge(request, { ...options, dryRun: true });
  } catch (error) {
    if (isSafetensorsError(error)) throw new MergeOptionsError(`${configPath}: ${error.message}`);
    throw error;
  }
  const p = plan.plan;
  const summary = {
    method: p.method.name,
    template: p.template,
    inputs: p.paths,
    tensors: p.tensors.length,
    merged: p.tensors.filter((t) => t.kind === 'merge').length,
    copied: p.tensors.filter((t) => t.kind === 'copy').length,
    inputBytes: plan.inputBytes,
    outputBytes: p.tensors.reduce((s, t) => s + t.byteLength, 0),
    layers: p.layers ?? null,
    notes: p.notes,
  };
  if (values['dry-run']) {
    if (values.json) io.out(JSON.stringify({ valid: true, ...summary }, null, 2));
    else {
      io.out(
        `${configPath}: valid: ${summary.method} of ${summary.inputs.length} checkpoint(s) -> ${summary.tensors} tensors (${summary.merged} merged, ${summary.copied} copied), ${gb(summary.outputBytes)} to write from ${gb(summary.inputBytes)} of input`,
      );
      for (const n of summary.notes) io.out(`  note: ${n}`);
    }
    return 0;
  }
  for (const n of summary.notes) io.err(`note: ${n}`);
  const result = await runMerge(request, { ...options, onProgress: progressBar(io) });
  const mbps = result.seconds > 0 ? result.inputBytes / 1e6 / result.seconds : 0;
  const doc = { ...summary, outDir, files: result.files, copiedFiles: result.copiedFiles, seconds: result.seconds, inputMBps: mbps, threads: result.threads };
  if (values.json) io.out(JSON.stringify(doc, null, 2));
  else
    io.out(
      `wrote ${outDir}: ${result.files.length} weight file(s), ${gb(result.bytesWritten)} in ${result.seconds.toFixed(1)} s (${mbps.toFixed(0)} MB/s of input, ${result.threads} threads); copied ${result.copiedFiles.join(', ') || 'no other files'}`,
    );
  return 0;
}
