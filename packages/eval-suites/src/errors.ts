import { LamdagentError } from '@lamdagent/core';

/** An evaluation data file that cannot be used. The message names the file and, when known, the line. */
export class DatasetError extends LamdagentError {
  readonly file: string;
  readonly line: number | undefined;
  constructor(file: string, line: number | undefined, message: string, options?: { cause?: unknown }) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${message}`, 2, options);
    this.file = file;
    this.line = line;
  }
}

/** A task whose options cannot be used. The message names the task and the field. */
export class TaskOptionsError extends LamdagentError {
  readonly task: string;
  constructor(task: string, message: string) {
    super(`task ${task}: ${message}`, 2);
    this.task = task;
  }
}

/** A generation backend that failed (server unreachable, bad response, model not loadable). */
export class BackendError extends LamdagentError {
  readonly backend: string;
  constructor(backend: string, message: string, options?: { cause?: unknown }) {
    super(`generation backend ${backend}: ${message}`, 1, options);
    this.backend = backend;
  }
}
