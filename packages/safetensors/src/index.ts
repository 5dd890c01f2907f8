/**
 * @lamdagent/safetensors: a safetensors reader and writer, complete to the format's specification.
 * Lazy per-tensor reads, a streaming atomic writer, and the Hugging Face sharded layout.
 */
export { SAFETENSORS_ERROR_CODES, SafetensorsError, isSafetensorsError } from './errors.js';
export type { SafetensorsErrorCode, SafetensorsErrorOptions } from './errors.js';

export { DTYPES, dtypeBits, elementCount, isDtype, tensorByteLength } from './dtype.js';
export type { Dtype } from './dtype.js';

export {
  bf16BitsToFloat32,
  f16BitsToFloat32,
  f8e4m3BitsToFloat32,
  f8e5m2BitsToFloat32,
  f8e8m0BitsToFloat32,
  float32Bits,
  float32FromBits,
  float32ToBf16Bits,
  float32ToF16Bits,
} from './float.js';
export { HOST_LITTLE_ENDIAN, decodeToFloat32, encodeFromFloat32, littleEndianBytes, toTypedArray } from './convert.js';
export type { TensorTypedArray } from './convert.js';

export { HEADER_LENGTH_BYTES, MAX_HEADER_SIZE, METADATA_KEY, checkDataLength, parseHeaderBytes, readHeaderLength } from './header.js';
export type { ParsedHeader, TensorEntry, TensorInfo } from './header.js';
export { planLayout } from './layout.js';
export type { Layout, LayoutEntry, LayoutOptions, TensorOrder, TensorSpec } from './layout.js';

export { SafetensorsFile, TensorReaderBase } from './reader.js';
export type { TensorLocation, TensorReader } from './reader.js';
export { SafetensorsWriter, writeSafetensors } from './writer.js';
export type { TensorData, TensorToWrite, WriterPlan } from './writer.js';
export { SafetensorsBuffer, parseSafetensors, serializeSafetensors } from './memory.js';
export type { TensorBytes } from './memory.js';

export { INDEX_FILE_NAME, SINGLE_FILE_NAME, formatShardIndex, parseShardIndex, shardFileName } from './shard-index.js';
export type { ShardIndex } from './shard-index.js';
export { Checkpoint, openCheckpoint } from './checkpoint.js';
export { DEFAULT_MAX_SHARD_BYTES, writeSharded } from './sharded-writer.js';
export type { WriteShardedOptions, WriteShardedResult } from './sharded-writer.js';
