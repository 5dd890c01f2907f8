/** Every way reading or writing a safetensors file can fail, as stable string codes. */
export const SAFETENSORS_ERROR_CODES = [
  // file and header framing
  'FILE_TOO_SHORT',
  'HEADER_TOO_LARGE',
  'HEADER_TRUNCATED',
  'INVALID_UTF8',
  'INVALID_HEADER_START',
  'INVALID_JSON',
  'HEADER_NOT_OBJECT',
  'INVALID_METADATA',
  // tensor entries
  'DUPLICATE_TENSOR',
  'INVALID_TENSOR_INFO',
  'UNKNOWN_DTYPE',
  'INVALID_SHAPE',
  'INVALID_OFFSETS',
  'SIZE_MISMATCH',
  'MISALIGNED_SIZE',
  // byte buffer layout
  'OFFSET_GAP',
  'OFFSET_OVERLAP',
  'TRAILING_BYTES',
  'DATA_TRUNCATED',
  // reading
  'TENSOR_NOT_FOUND',
  'DTYPE_MISMATCH',
  'CLOSED',
  'IO_ERROR',
  // writing
  'INVALID_NAME',
  'INVALID_ARGUMENT',
  'WRITE_ORDER',
  'WRITE_SIZE_MISMATCH',
  'WRITE_INCOMPLETE',
  'WRITER_STATE',
  // sharded checkpoints
  'CHECKPOINT_NOT_FOUND',
  'INVALID_INDEX',
  'SHARD_MISSING',
  'SHARD_TENSOR_MISSING',
  'SHARD_TENSOR_UNMAPPED',
  'SHARD_DUPLICATE_TENSOR',
] as const;

export type SafetensorsErrorCode = (typeof SAFETENSORS_ERROR_CODES)[number];

export interface SafetensorsErrorOptions {
  /** The file (or checkpoint folder) concerned, if any. */
  path?: string | undefined;
  /** The tensor concerned, if any. */
  tensor?: string | undefined;
  cause?: unknown;
}

/**
 * The one error type of this package. `code` is stable and meant for programs; the message names the
 * file, the tensor (if any) and the rule that was broken, and is meant for people.
 */
export class SafetensorsError extends Error {
  readonly code: SafetensorsErrorCode;
  readonly path: string | undefined;
  readonly tensor: string | undefined;
  /** The rule broken, without the file and tensor prefix. */
  readonly rule: string;

  constructor(code: SafetensorsErrorCode, rule: string, options: SafetensorsErrorOptions = {}) {
    const where: string[] = [];
    if (options.path !== undefined) where.push(options.path);
    if (options.tensor !== undefined) where.push(`tensor ${JSON.stringify(options.tensor)}`);
    const prefix = where.length > 0 ? `${where.join(': ')}: ` : '';
    super(`${prefix}${rule} [${code}]`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SafetensorsError';
    this.code = code;
    this.path = options.path;
    this.tensor = options.tensor;
    this.rule = rule;
  }

  /** A copy of this error attributed to `path` (used when a pure parser's error meets its file). */
  withPath(path: string): SafetensorsError {
    return new SafetensorsError(this.code, this.rule, { path, tensor: this.tensor, cause: this.cause });
  }
}

/** True when `value` is a SafetensorsError, optionally with the given code. */
export function isSafetensorsError(value: unknown, code?: SafetensorsErrorCode): value is SafetensorsError {
  return value instanceof SafetensorsError && (code === undefined || value.code === code);
}
