import { LamdagentError } from '@lamdagent/core';

/**
 * Merge options that cannot be used: density outside (0, 1], a weights count that does not match the
 * models count, a non-finite weight or lambda. Bad input, so the CLI exits 2.
 */
export class MergeOptionsError extends LamdagentError {
  constructor(message: string) {
    super(message, 2);
  }
}

/**
 * Checkpoints that cannot be merged together: a tensor missing from one of them, or present with
 * another shape. The message names the file (checkpoint folder) and the tensor.
 */
export class TensorMismatchError extends LamdagentError {
  /** Checkpoint folder (or file) where the mismatch was found. */
  readonly file: string;
  /** Tensor name. */
  readonly tensor: string;
  constructor(file: string, tensor: string, message: string) {
    super(`${file}: tensor ${tensor}: ${message}`, 2);
    this.file = file;
    this.tensor = tensor;
  }
}
