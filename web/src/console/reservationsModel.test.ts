import { describe, expect, it } from 'vitest';
import { addDays, categoryPaths, daysInMonth, hoursFromForm, hoursToForm, jstToday, monthStart, occupancy, weekStart } from './reservationsModel';

describe('reservations console helpers', () => {
  it('round-trips opening hours and drops closed days', () => {
    const h = { mon: [['09:00', '12:00'], ['13:00', '17:00']] as [string, string][] };
    const f = hoursToForm(h);
    expect(f.tue).toEqual([]);
    expect(hoursFromForm(f)).toEqual(h);
  });
  it('computes JST dates, weeks from Monday and months', () => {
    expect(jstToday(Date.UTC(2026, 10, 30, 15, 30))).toBe('2026-12-01'); // 00:30 JST
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(weekStart('2026-12-06')).toBe('2026-11-30'); // Sunday → Monday before
    expect(weekStart('2026-11-30')).toBe('2026-11-30');
    expect(monthStart('2026-12-17')).toBe('2026-12-01');
    expect(daysInMonth('2028-02-10')).toBe(29);
  });
  it('occupancy is a percentage, none when nothing was offered', () => {
    expect(occupancy(3, 12)).toBe(25);
    expect(occupancy(0, 0)).toBeNull();
  });
  it('category paths follow the tree', () => {
    const p = categoryPaths([{ id: 2, name: '体育館', parent_id: 1 }, { id: 1, name: '施設', parent_id: null }]);
    expect(p).toEqual([{ id: 1, path: '施設', depth: 1 }, { id: 2, path: '施設 › 体育館', depth: 2 }]);
  });
});

describe('opening hours checks', () => {
  it('names empty, reversed and overlapping ranges', async () => {
    const { rangeProblem } = await import('./reservationsModel');
    expect(rangeProblem([{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }])).toBeNull();
    expect(rangeProblem([{ from: '', to: '12:00' }])).toBe('empty');
    expect(rangeProblem([{ from: '12:00', to: '09:00' }])).toBe('order');
    expect(rangeProblem([{ from: '09:00', to: '12:00' }, { from: '11:00', to: '13:00' }])).toBe('overlap');
  });
});
