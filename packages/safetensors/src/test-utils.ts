/** Helpers shared by the tests (not part of the public API). */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SafetensorsError, type SafetensorsErrorCode } from './errors.js';

/** A fresh temporary folder and a function removing it. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A file built by hand: 8-byte LE `n` (default: the header's byte length), header text, data bytes. */
export function rawFile(header: string, data: Uint8Array | number = 0, n?: bigint): Uint8Array {
  const headerBytes = new TextEncoder().encode(header);
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + headerBytes.byteLength + body.byteLength);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  out.set(body, 8 + headerBytes.byteLength);
  return out;
}

/** Writes bytes to `dir/name` and returns the path. */
export async function put(dir: string, name: string, bytes: Uint8Array | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

/** Awaits `promise` (or runs `fn`) and checks it fails with a SafetensorsError of `code`. */
export async function expectCode(
  run: Promise<unknown> | (() => unknown),
  code: SafetensorsErrorCode,
  details: { path?: string; tensor?: string } = {},
): Promise<SafetensorsError> {
  let caught: unknown;
  try {
    await (typeof run === 'function' ? run() : run);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected a SafetensorsError ${code}`).toBeInstanceOf(SafetensorsError);
  const error = caught as SafetensorsError;
  expect(error.code, error.message).toBe(code);
  expect(error.message).toContain(`[${code}]`);
  if (details.path !== undefined) {
    expect(error.path).toBe(details.path);
    expect(error.message).toContain(details.path);
  }
  if (details.tensor !== undefined) {
    expect(error.tensor).toBe(details.tensor);
    expect(error.message).toContain(JSON.stringify(details.tensor));
  }
  return error;
}

/** Little-endian bytes from a list of byte values. */
export function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}
