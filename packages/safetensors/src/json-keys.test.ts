import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from './json-keys.js';

describe('findDuplicateKey', () => {
  it('finds none in valid objects, whatever the strings contain', () => {
    expect(findDuplicateKey('{}')).toBeUndefined();
    expect(findDuplicateKey('{"a":"x\\",\\"a\\":{","b":["a","a"],"c":{"a":1}}')).toBeUndefined();
    expect(findDuplicateKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(findDuplicateKey('{"a":[{"k":1},{"k":2}],"b":{"k":{"k":3}}}')).toBeUndefined();
  });

  it('finds duplicates at any depth, with the path to them, after decoding escapes', () => {
    expect(findDuplicateKey('{"a":1,"a":2}')).toEqual({ path: [], key: 'a' });
    expect(findDuplicateKey('{"a":1,"\\u0061":2}')).toEqual({ path: [], key: 'a' });
    expect(findDuplicateKey('{"x":"}{","t":{"d":1, "s":[1,{"q":1}], "d":2}}')).toEqual({ path: ['t'], key: 'd' });
    expect(findDuplicateKey('{"l":[{"z":0},{"z":1,"z":2}]}')).toEqual({ path: ['l', '1'], key: 'z' });
  });
});
