/**
 * The 0-shot prompt formats of the paper's tasks (Section 4: "all converted to 0-shot format"; CQA answers as
 * `[[choice]]`). One function per answer style; the loaders fill them from the published fields.
 */

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Label of the i-th choice (A, B, C...). */
export function choiceLetter(i: number): string {
  return LETTERS[i] ?? String(i + 1);
}

/** GSM8k, GSM-Symbolic, NumGLUE: the final number after `####` (what the `numeric` scorer reads first). */
export function mathPrompt(question: string): string {
  return `Solve the following math problem. Write the final answer as a number after "####".\n\nQuestion: ${question.trim()}\nAnswer:`;
}

/** CommonsenseQA, SocialIQA: the letter of the choice in double brackets (the `choice` scorer). */
export function choicePrompt(question: string, choices: readonly string[]): string {
  const options = choices.map((c, i) => `${choiceLetter(i)}. ${c}`).join('\n');
  return `Answer the following multiple-choice question. Write the letter of the correct choice in double square brackets, e.g. [[A]].\n\nQuestion: ${question.trim()}\n${options}\nAnswer:`;
}

/** Characters of TriviaQA evidence kept in the prompt (the first document; long pages are cut). */
export const CONTEXT_CHARS = 4000;

/** TriviaQA with context: a short answer read from the passage (the `exact` scorer). */
export function readingPrompt(context: string, question: string): string {
  const passage = context.length > CONTEXT_CHARS ? context.slice(0, CONTEXT_CHARS) : context;
  return `Answer the question based on the passage. Reply with a short answer only.\n\nPassage: ${passage.trim()}\nQuestion: ${question.trim()}\nAnswer:`;
}

/** Natural Questions (open): a short answer from memory (the `exact` scorer). */
export function openQaPrompt(question: string): string {
  return `Answer the question with a short answer only.\n\nQuestion: ${question.trim()}\nAnswer:`;
}

/** ACEBench normal: one function call as a JSON object `{"name","args"}` (what the `toolcall` scorer parses). */
export function functionCallPrompt(functions: readonly unknown[], question: string, time: string | undefined): string {
  const when = time && time.trim() !== '' ? `\n${time.trim()}\n` : '';
  return (
    `You can call the following functions (their parameters are given as JSON Schema):\n${JSON.stringify(functions)}\n${when}\n` +
    `Reply with exactly one function call and nothing else, as one JSON object: {"name": "<function name>", "args": {"<parameter>": <value>}}.\n\n` +
    `${question.trim()}\nCall:`
  );
}
