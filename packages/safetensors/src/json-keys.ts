/**
 * Finding duplicate object keys, which JSON.parse silently merges (last one wins). The scanner runs on
 * text JSON.parse has already accepted, so it only needs to tell keys from values and follow nesting.
 */

export interface DuplicateKey {
  /** The keys (and array indices) leading to the object holding the duplicate; [] for the root. */
  path: string[];
  key: string;
}

type Frame = { kind: 'object'; keys: Set<string>; expectKey: boolean; current: string } | { kind: 'array'; index: number };

/** The first duplicate key in a valid JSON text, or undefined. */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top !== undefined && top.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { path: pathOf(stack), key };
        top.keys.add(key);
        top.current = key;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b /* { */) stack.push({ kind: 'object', keys: new Set(), expectKey: true, current: '' });
    else if (c === 0x5b /* [ */) stack.push({ kind: 'array', index: 0 });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
      else if (top?.kind === 'array') top.index += 1;
    }
    i += 1;
  }
  return undefined;
}

function pathOf(stack: Frame[]): string[] {
  return stack.slice(0, -1).map((f) => (f.kind === 'object' ? f.current : String(f.index)));
}
