import { createHash } from 'node:crypto';
import { canonicalJson, type JsonValue } from '../json.js';

export { canonicalJson } from '../json.js';

/** Hex sha256 of a text or bytes. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Content address of a JSON value: sha256 of its canonical JSON (object keys sorted). */
export function valueDigest(v: JsonValue): string {
  return sha256(canonicalJson(v));
}
