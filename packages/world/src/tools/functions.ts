import type { Rng } from '@lamdagent/core/kit';
import { CITIES, FOODS, JOBS, PEOPLE, THINGS } from '../lexicon.js';

/** A tool of the tools world: a function with typed arguments over the world's lexicon. */
export interface ToolFunction {
  name: string;
  /** Argument names and types, in signature order. */
  params: readonly { name: string; type: 'str' | 'int' }[];
  /** Draws argument values (in signature order). */
  draw(rng: Rng): (string | number)[];
  /** How a user asks for it, in the target task's words (ACEBench-like): `{0}`, `{1}` are the values. */
  ask: readonly string[];
  /** How a user asks for it in the other datasets' words. */
  askOther: readonly string[];
}

const fn = (f: ToolFunction): ToolFunction => f;

export const TOOL_FUNCTIONS: readonly ToolFunction[] = [
  fn({
    name: 'temp',
    params: [
      { name: 'city', type: 'str' },
      { name: 'days', type: 'int' },
    ],
    draw: (r) => [r.pick(CITIES), r.range(1, 9)],
    ask: ['Temp in {0} for {1} days.', 'Temp of {0}, {1} days.'],
    askOther: ['How is {0} in the next {1} days?', 'Is it warm in {0} for {1} days?'],
  }),
  fn({
    name: 'buy',
    params: [
      { name: 'item', type: 'str' },
      { name: 'n', type: 'int' },
    ],
    draw: (r) => [r.pick(THINGS), r.range(2, 19)],
    ask: ['Buy {1} {0}.', 'Order {1} {0} for me.'],
    askOther: ['I need {1} {0}.', 'Get me {1} {0} now.'],
  }),
  fn({
    name: 'book',
    params: [
      { name: 'person', type: 'str' },
      { name: 'city', type: 'str' },
    ],
    draw: (r) => [r.pick(PEOPLE), r.pick(CITIES)],
    ask: ['Book {0} to {1}.', 'Book {1} for {0}.'],
    askOther: ['{0} wants to go to {1}.', 'Send {0} to {1}.'],
  }),
  fn({
    name: 'call',
    params: [{ name: 'person', type: 'str' }],
    draw: (r) => [r.pick(PEOPLE)],
    ask: ['Call {0}.', 'Phone {0} now.'],
    askOther: ['Ring {0} for me.', 'I must talk to {0}.'],
  }),
  fn({
    name: 'cook',
    params: [
      { name: 'food', type: 'str' },
      { name: 'n', type: 'int' },
    ],
    draw: (r) => [r.pick(FOODS), r.range(2, 9)],
    ask: ['Cook {0} for {1}.', 'Make {0} for {1} people.'],
    askOther: ['{1} of us want {0}.', 'We are {1}, serve {0}.'],
  }),
  fn({
    name: 'hire',
    params: [
      { name: 'job', type: 'str' },
      { name: 'city', type: 'str' },
    ],
    draw: (r) => [r.pick(JOBS), r.pick(CITIES)],
    ask: ['Hire a {0} in {1}.', 'Hire one {0} in {1}.'],
    askOther: ['We need a {0} in {1}.', 'Get a {0} for {1}.'],
  }),
  fn({
    name: 'pay',
    params: [
      { name: 'person', type: 'str' },
      { name: 'coins', type: 'int' },
    ],
    draw: (r) => [r.pick(PEOPLE), r.range(2, 29)],
    ask: ['Pay {0} {1} coins.', 'Send {1} coins to {0}.'],
    askOther: ['{0} is owed {1} coins.', 'Give {0} {1} coins.'],
  }),
];

export const TOOL_NAMES = TOOL_FUNCTIONS.map((f) => f.name);

export function toolFunction(name: string): ToolFunction {
  const f = TOOL_FUNCTIONS.find((x) => x.name === name);
  if (!f) throw new RangeError(`tools world: no function ${name}`);
  return f;
}

/** `buy(item,n:int)`: the signature as prompts list it (arguments are strings unless marked `:int`). */
export function signature(f: ToolFunction): string {
  return `${f.name}(${f.params.map((p) => (p.type === 'str' ? p.name : `${p.name}:${p.type}`)).join(',')})`;
}

/** A drawn call: the function and its argument values. */
export interface DrawnCall {
  fn: ToolFunction;
  values: (string | number)[];
}

export function drawCall(rng: Rng, f: ToolFunction): DrawnCall {
  return { fn: f, values: f.draw(rng) };
}

/** Fills `{0}`, `{1}` of a request template. */
export function request(template: string, values: readonly (string | number)[]): string {
  return template.replace(/\{(\d)\}/g, (_, i: string) => String(values[Number(i)]));
}

/** The call as the target task's JSON: `{"name":"buy","args":{"item":"pens","n":3}}`. */
export function callJson(c: DrawnCall): string {
  const args = Object.fromEntries(c.fn.params.map((p, i) => [p.name, c.values[i]]));
  return JSON.stringify({ name: c.fn.name, args });
}

/** The call in Python syntax: `buy(item="pens", n=3)`. */
export function callPython(c: DrawnCall): string {
  return `${c.fn.name}(${c.fn.params.map((p, i) => `${p.name}=${JSON.stringify(c.values[i])}`).join(', ')})`;
}
