import { describe, expect, it } from 'vitest';
import { tiesActionType } from './plugin.js';

describe('merge action types check slot values before the first trial', () => {
  const slot = (name: string) => tiesActionType.slots.find((s) => s.name === name)!;
  it('refuses a TIES density outside (0, 1] and weights that are not numbers', () => {
    expect(tiesActionType.slots.map((s) => s.name)).toEqual(['base_model', 'models', 'weights', 'density']);
    expect(slot('density').check?.(0.5)).toBeUndefined();
    expect(slot('density').check?.(1.5)).toBe('density must be in (0, 1], got 1.5');
    expect(slot('density').check?.('x')).toBe('density must be a finite number, got "x"');
    expect(slot('weights').check?.([0.5, 0.5])).toBeUndefined();
    expect(slot('weights').check?.([0.5, 'a'])).toBe('weights must be an array of finite numbers, one weight per model; got [0.5,"a"]');
  });
});
