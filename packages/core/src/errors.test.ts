import { describe, expect, it } from 'vitest';
import { ConfigError, LamdagentError, PluginError, UsageError } from './errors.js';

describe('LamdagentError.isInstance', () => {
  it("tells an error's kind, including errors made by another copy of core", async () => {
    // A second instance of the module: other class objects, as with two installed copies of core.
    const second = './errors.js?second-copy';
    const other = (await import(second)) as typeof import('./errors.js');
    expect(other.UsageError).not.toBe(UsageError);
    const theirs = new other.UsageError('bad flag');
    expect(theirs instanceof UsageError).toBe(false); // eslint-disable-line no-restricted-syntax -- the point of this test
    expect(UsageError.isInstance(theirs)).toBe(true);
    expect(LamdagentError.isInstance(theirs)).toBe(true);
    expect(ConfigError.isInstance(theirs)).toBe(false);
    const plugin = new PluginError('p', 'broken');
    expect(other.PluginError.isInstance(plugin)).toBe(true);
    expect(other.LamdagentError.isInstance(plugin)).toBe(true);
    expect(UsageError.isInstance(plugin)).toBe(false);
    expect(LamdagentError.isInstance(new Error('x'))).toBe(false);
    expect(LamdagentError.isInstance(undefined)).toBe(false);
    expect(LamdagentError.isInstance({ message: 'looks like one' })).toBe(false);
  });
});
