/** Replaces secrets in text before it is sent to a provider, recorded in a transcript, or reported. */
export type Redactor = (text: string) => string;

export const REDACTED = '[REDACTED]';

const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL)/i;

/** Secret shapes found in text whatever their origin. */
const PATTERNS: readonly RegExp[] = [
  // Authorization headers and bearer tokens, wherever they were echoed.
  /(authorization["']?\s*[:=]\s*["']?)(?:bearer\s+)?[^\s"',}]+/gi,
  /\bbearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // api-key / x-api-key style fields.
  /((?:x-)?api[-_]?key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  // Well-known key shapes: OpenAI / OpenRouter (sk-...), Hugging Face (hf_...), GitHub tokens.
  /\bsk-[A-Za-z0-9_-]{12,}/g,
  /\bhf_[A-Za-z0-9]{20,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
];

/** A redactor for the given secret values (e.g. an API key) plus common secret shapes (bearer tokens, sk-, hf_, gh*_). */
export function createRedactor(secrets: readonly (string | undefined)[] = []): Redactor {
  const values = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const s of values) out = out.split(s).join(REDACTED);
    for (const p of PATTERNS) out = out.replace(p, (_m, prefix?: unknown) => (typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED));
    return out;
  };
}

/**
 * Replace the values of secret-looking environment variables (names containing KEY, TOKEN, SECRET,
 * PASSWORD, CREDENTIAL; values of 8+ characters) by `[redacted:NAME]`, and bearer tokens, in a text
 * before it is written (transcripts, logs).
 */
export function redactSecrets(text: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  let out = text;
  for (const [name, value] of Object.entries(env)) {
    if (!value || value.length < 8 || !SECRET_NAME.test(name)) continue;
    out = out.split(value).join(`[redacted:${name}]`);
  }
  return out.replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, '$1[redacted]');
}
