import { describe, expect, it } from 'vitest';
import { parseDistricts } from './Emergency';

describe('parseDistricts', () => {
  it('splits on commas, 、 and spaces, drops blanks and duplicates', () => {
    expect(parseDistricts('北, 南、東 北  ')).toEqual(['北', '南', '東']);
    expect(parseDistricts('  ')).toEqual([]);
    expect(parseDistricts('北，西')).toEqual(['北', '西']);
  });
});
