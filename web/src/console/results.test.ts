import { describe, expect, it } from 'vitest';
import { percent } from './ServiceResults';

describe('percent (results page shares)', () => {
  it('rounds to whole percents of the base', () => {
    expect(percent(1, 3)).toBe(33);
    expect(percent(2, 3)).toBe(67);
    expect(percent(3, 3)).toBe(100);
  });
  it('is 0 when nothing was counted, not NaN', () => {
    expect(percent(0, 0)).toBe(0);
  });
});
