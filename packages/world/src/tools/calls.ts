import type { Rng } from '@lamdagent/core/kit';
import { callJson, callPython, drawCall, request, signature, TOOL_FUNCTIONS, type DrawnCall } from './functions.js';

/** One tool-use example: the prompt, the reply in the dataset's style, the target-style gold call. */
export interface ToolItem {
  prompt: string;
  reply: string;
  /** The call as the target task's JSON (the `toolcall` scorer's gold). */
  call: string;
  /** Wrong replies for preference pairs (target and json styles): another syntax, a wrong argument. */
  wrong: string[];
}

/** Tool-use styles: the target (ACEBench normal), the three SFT datasets' styles and the opt-in `tool-mix`'s (`agent`). */
export type ToolStyle = 'target' | 'json' | 'python' | 'react' | 'agent';

function twoFunctions(rng: Rng): { call: DrawnCall; listed: string } {
  const [f, g] = rng.sample(TOOL_FUNCTIONS, 2) as [(typeof TOOL_FUNCTIONS)[number], (typeof TOOL_FUNCTIONS)[number]];
  const call = drawCall(rng, f);
  const listed = rng.next() < 0.5 ? [f, g] : [g, f];
  return { call, listed: listed.map(signature).join(' ') };
}

function wrongArgument(rng: Rng, call: DrawnCall): string {
  for (let i = 0; i < 20; i++) {
    const other = drawCall(rng, call.fn);
    const k = rng.int(call.values.length);
    const wrong = callJson({ fn: call.fn, values: call.values.map((v, j) => (j === k ? (other.values[j] ?? v) : v)) });
    if (wrong !== callJson(call)) return wrong;
  }
  return callJson({ fn: call.fn, values: call.values.map((v) => (typeof v === 'number' ? String(v) : v)) });
}

/**
 * A tool-use item in one style:
 * - `target` (ACEBench normal): two signatures listed, a request in the target's words, a JSON call;
 * - `json` (ToolACE-like): the same JSON calls, but one signature listed and requests worded otherwise;
 * - `python` (Agent-instruct-like): the target's prompts, calls in Python syntax `buy(item="pens", n=3)`;
 * - `react` (ToolBench-like): `T: request Tools: names A:` and `Action: buy Input: {...args}`;
 * - `agent` (the tool half of the opt-in `tool-mix`): the target's JSON calls and two signatures listed,
 *   requests worded otherwise (as `json`).
 */
export function toolItem(style: ToolStyle, rng: Rng): ToolItem {
  if (style === 'json') {
    const f = rng.pick(TOOL_FUNCTIONS);
    const call = drawCall(rng, f);
    const prompt = `F: ${signature(f)} U: ${request(rng.pick(f.askOther), call.values)} A:`;
    return { prompt, reply: callJson(call), call: callJson(call), wrong: [callPython(call), wrongArgument(rng, call)] };
  }
  if (style === 'react') {
    const { call } = twoFunctions(rng);
    const other = rng.pick(TOOL_FUNCTIONS.filter((g) => g !== call.fn));
    const names = (rng.next() < 0.5 ? [call.fn, other] : [other, call.fn]).map((g) => g.name).join(', ');
    const ask = request(rng.pick([...call.fn.ask, ...call.fn.askOther]), call.values);
    const args = JSON.stringify(Object.fromEntries(call.fn.params.map((p, i) => [p.name, call.values[i]])));
    return { prompt: `T: ${ask} Tools: ${names} A:`, reply: `Action: ${call.fn.name} Input: ${args}`, call: callJson(call), wrong: [] };
  }
  const { call, listed } = twoFunctions(rng);
  const prompt = `F: ${listed} U: ${request(rng.pick(style === 'agent' ? call.fn.askOther : call.fn.ask), call.values)} A:`;
  if (style === 'python') return { prompt, reply: callPython(call), call: callJson(call), wrong: [] };
  return { prompt, reply: callJson(call), call: callJson(call), wrong: [callPython(call), wrongArgument(rng, call)] };
}

/**
 * What the instruction-tuned base knows of tools: which function a request needs and with what values,
 * said in words (`I: Buy 3 pens. Which call? A:` -> `buy with item pens, n 3`), never as a call.
 */
export function planItem(rng: Rng): { prompt: string; reply: string } {
  const f = rng.pick(TOOL_FUNCTIONS);
  const call = drawCall(rng, f);
  const ask = request(rng.pick([...f.ask, ...f.askOther]), call.values);
  return { prompt: `I: ${ask} Which call? A:`, reply: `${f.name} with ${f.params.map((p, i) => `${p.name} ${call.values[i]}`).join(', ')}` };
}
