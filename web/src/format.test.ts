import { describe, expect, it } from 'vitest';
import {
  addDaysIso, clampIsoDate, defaultPickerDate, formatBytes, formatDate, formatDateTime, formatIsoDateLong,
  formatYen, jstDayEndMs, jstDayStartMs, parseIsoDate, todayIso, warekiYear,
} from './format';

// 2025-04-01 00:30 JST == 2025-03-31 15:30 UTC
const MS = Date.UTC(2025, 2, 31, 15, 30);

describe('date display', () => {
  it('shows times in JST whatever the browser zone', () => {
    expect(formatDateTime(MS, 'ja')).toBe('2025/04/01 00:30');
    expect(formatDateTime(MS, 'en')).toBe('2025-04-01 00:30');
    expect(formatDate(MS, 'ja')).toBe('2025/04/01');
  });
  it('is empty for missing values', () => {
    expect(formatDateTime(undefined)).toBe('');
    expect(formatDateTime(null)).toBe('');
    expect(formatDate(Number.NaN)).toBe('');
  });
  it('computes 和暦 years, including 元年 and era boundaries', () => {
    expect(warekiYear(2025, 4, 1)).toBe('令和7年');
    expect(warekiYear(2019, 5, 1)).toBe('令和元年');
    expect(warekiYear(2019, 4, 30)).toBe('平成31年');
    expect(warekiYear(1989, 1, 7)).toBe('昭和64年');
    expect(warekiYear(1989, 1, 8)).toBe('平成元年');
  });
  it('formats ISO dates long with weekday', () => {
    expect(formatIsoDateLong('2025-04-01', 'ja')).toBe('令和7年4月1日（火）');
    expect(formatIsoDateLong('2025-04-01', 'en')).toBe('Tue, 1 Apr 2025');
    expect(formatIsoDateLong('not a date', 'ja')).toBe('not a date');
  });
  it('parses ISO dates strictly', () => {
    expect(parseIsoDate('2025-02-29')).toBeNull();
    expect(parseIsoDate('2024-02-29')).toEqual({ y: 2024, m: 2, d: 29 });
    expect(parseIsoDate('2024-2-9')).toBeNull();
  });
  it('does date arithmetic for pickers', () => {
    expect(todayIso(MS)).toBe('2025-04-01');
    expect(addDaysIso('2025-03-28', 7)).toBe('2025-04-04');
    expect(addDaysIso('2024-12-30', 3)).toBe('2025-01-02');
    expect(clampIsoDate('2025-04-01', '2025-04-10')).toBe('2025-04-10');
    expect(clampIsoDate('2025-05-01', null, '2025-04-30')).toBe('2025-04-30');
    expect(defaultPickerDate(undefined, undefined, MS)).toBe('2025-04-08');
    expect(defaultPickerDate('2025-05-01', '2025-05-31', MS)).toBe('2025-05-01');
  });
  it('converts JST days to ms bounds', () => {
    expect(jstDayStartMs('2025-04-01')).toBe(Date.UTC(2025, 2, 31, 15, 0));
    expect(jstDayEndMs('2025-04-01')).toBe(Date.UTC(2025, 3, 1, 15, 0) - 1);
    expect(jstDayStartMs('bad')).toBeNull();
  });
  it('formats money and sizes', () => {
    expect(formatYen(1500, 'ja')).toBe('1,500円');
    expect(formatYen(1500, 'en')).toBe('¥1,500');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
  });
});
