import { describe, expect, it } from 'vitest';
import { feeSummary } from './fees';

describe('fee on the service list', () => {
  it('says 無料 only when nothing costs anything', () => {
    expect(feeSummary({ fee: null, fees: null }, 'ja')).toBe('無料');
    expect(feeSummary({ fee: null, fees: null }, 'en')).toBe('Free');
  });
  it('shows fees that come from choices or copies, not only a base fee', () => {
    // 住民票: 300円 a copy, at least one copy; 粗大ごみ: the cheapest item.
    expect(feeSummary({ fee: null, fees: { from: 300, varies: true } }, 'ja')).toBe('手数料あり（300円〜）');
    expect(feeSummary({ fee: null, fees: { from: 200, varies: true } }, 'en')).toBe('Fee from ¥200');
    expect(feeSummary({ fee: null, fees: { from: 0, varies: true } }, 'ja')).toBe('手数料あり（内容により異なります）');
  });
  it('shows a fixed fee as it is', () => {
    expect(feeSummary({ fee: 3000, fees: { from: 3000, varies: false } }, 'ja')).toBe('手数料 3,000円');
  });
  it('falls back to the base fee from a server without the outline', () => {
    expect(feeSummary({ fee: 3000 }, 'ja')).toBe('手数料 3,000円');
    expect(feeSummary({}, 'ja')).toBe('無料');
  });
});
