import { describe, expect, it } from 'vitest';
import { hasBegun } from './bookings';

describe('hasBegun', () => {
  const at = Date.parse('2026-12-05T00:00:00Z'); // 09:00 JST
  it('reads the slot as JST', () => {
    expect(hasBegun('2026-12-05T09:00', at)).toBe(true);
    expect(hasBegun('2026-12-05T09:01', at)).toBe(false);
    expect(hasBegun('2026-12-05T08:59', at)).toBe(true);
  });
  it('treats an unreadable slot as begun (no cancel button)', () => {
    expect(hasBegun('soon', at)).toBe(true);
  });
});
