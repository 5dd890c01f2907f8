import { describe, expect, it } from 'vitest';
import { jsonEqual, parseToolCall, scoreToolCall, toolcall } from './toolcall.js';

const GOLD = '{"name":"buy","args":{"item":"pens","n":3}}';

describe('toolcall scorer (ACEBench normal setting)', () => {
  it('accepts the right call, whatever the key order and spacing', () => {
    expect(scoreToolCall(GOLD, GOLD)).toBe(true);
    expect(scoreToolCall(' { "args": { "n": 3, "item": "pens" }, "name": "buy" } ', GOLD)).toBe(true);
    expect(scoreToolCall('{"name":"buy","arguments":{"item":"pens","n":3}}', GOLD)).toBe(true);
  });
  it('refuses a wrong argument value', () => {
    expect(scoreToolCall('{"name":"buy","args":{"item":"cups","n":3}}', GOLD)).toBe(false);
    expect(scoreToolCall('{"name":"buy","args":{"item":"pens","n":4}}', GOLD)).toBe(false);
  });
  it('refuses a wrong function name', () => {
    expect(scoreToolCall('{"name":"call","args":{"item":"pens","n":3}}', GOLD)).toBe(false);
  });
  it('refuses an extra argument and a missing one', () => {
    expect(scoreToolCall('{"name":"buy","args":{"item":"pens","n":3,"city":"Rome"}}', GOLD)).toBe(false);
    expect(scoreToolCall('{"name":"buy","args":{"item":"pens"}}', GOLD)).toBe(false);
  });
  it('refuses a value of the wrong type', () => {
    expect(scoreToolCall('{"name":"buy","args":{"item":"pens","n":"3"}}', GOLD)).toBe(false);
    expect(scoreToolCall('{"name":"buy","args":{"item":["pens"],"n":3}}', GOLD)).toBe(false);
  });
  it('refuses a reply that is not JSON, or JSON that is not one call', () => {
    expect(scoreToolCall('buy(item="pens", n=3)', GOLD)).toBe(false);
    expect(scoreToolCall('Action: buy Input: {"item":"pens","n":3}', GOLD)).toBe(false);
    expect(scoreToolCall(`${GOLD} done`, GOLD)).toBe(false);
    expect(scoreToolCall('[{"name":"buy","args":{"item":"pens","n":3}}]', GOLD)).toBe(false);
    expect(scoreToolCall('{"name":"buy","args":{"item":"pens","n":3},"id":1}', GOLD)).toBe(false);
    expect(scoreToolCall('', GOLD)).toBe(false);
    expect(parseToolCall('{"name":3,"args":{}}')).toBeUndefined();
  });
  it('accepts any gold of a list, and names a malformed gold', () => {
    expect(scoreToolCall('{"name":"call","args":{"name":"Ann"}}', [GOLD, '{"name":"call","args":{"name":"Ann"}}'])).toBe(true);
    expect(() => scoreToolCall(GOLD, 'buy pens')).toThrow(/gold "buy pens" is not/);
  });
  it('extracts a canonical form for the per-item results', () => {
    expect(toolcall.extract('{"args":{"n":3,"item":"pens"},"name":"buy"}')).toBe('{"name":"buy","args":{"item":"pens","n":3}}');
    expect(toolcall.extract('nope')).toBeUndefined();
  });
  it('compares JSON structurally', () => {
    expect(jsonEqual({ a: [1, { b: null }] }, { a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual(1, true)).toBe(false);
  });
});
