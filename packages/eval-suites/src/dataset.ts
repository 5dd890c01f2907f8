import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { DatasetError } from './errors.js';

const Answer = z.union([z.string(), z.number()]);

/** One line of an evaluation file: `{"id","prompt","answer"}`, plus `"choices"` for multiple choice. */
export const EvalItemSchema = z.object({
  id: z.union([z.string().min(1), z.number().int()]).transform(String),
  prompt: z.string().min(1),
  /** The gold answer, or a non-empty list of accepted aliases. */
  answer: z.union([Answer, z.array(Answer).min(1)]),
  /** Multiple choice: option texts labelled A, B, C... in order (kept in per-item results). */
  choices: z.array(z.string()).optional(),
});
export type EvalItem = z.output<typeof EvalItemSchema>;

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.join('.') : '(line)';
  return `${path}: ${issue.message}`;
}

/** Parses the text of a JSON lines evaluation file (blank lines are skipped); errors name `file` and the line. */
export function parseEvalJsonl(text: string, file: string): EvalItem[] {
  const items: EvalItem[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') continue;
    const lineNo = i + 1;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new DatasetError(file, lineNo, `not valid JSON (${(err as Error).message})`, { cause: err });
    }
    const parsed = EvalItemSchema.safeParse(raw);
    if (!parsed.success) {
      throw new DatasetError(file, lineNo, parsed.error.issues.map(describeIssue).join('; '));
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) throw new DatasetError(file, lineNo, `id: ${parsed.data.id} repeats the id of line ${first}`);
    seen.set(parsed.data.id, lineNo);
    items.push(parsed.data);
  }
  if (items.length === 0) throw new DatasetError(file, undefined, 'no items (an evaluation file needs one JSON object per line)');
  return items;
}

/** Reads and validates an evaluation JSON lines file. */
export async function loadEvalDataset(file: string): Promise<EvalItem[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new DatasetError(file, undefined, `cannot read the evaluation file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, {
      cause: err,
    });
  }
  return parseEvalJsonl(text, file);
}
