import { describe, expect, it } from 'vitest';
import { postalDigits } from './PostalCodeInput';

describe('postalDigits', () => {
  it('accepts 7 digits with or without hyphen, full-width, 〒', () => {
    expect(postalDigits('0600001')).toBe('0600001');
    expect(postalDigits('060-0001')).toBe('0600001');
    expect(postalDigits('０６０－０００１')).toBe('0600001');
    expect(postalDigits('〒060-0001')).toBe('0600001');
  });
  it('is null until the code is complete, and for anything else', () => {
    expect(postalDigits('06000')).toBeNull();
    expect(postalDigits('06000011')).toBeNull();
    expect(postalDigits('abcdefg')).toBeNull();
    expect(postalDigits('')).toBeNull();
  });
});
