import { describe, expect, it } from 'vitest';
import { apiQuery, filtersFromSearch, filtersToSearch } from './filters';
import { atLeast } from './session';

describe('application filters', () => {
  it('round-trips through the URL', () => {
    const f = filtersFromSearch(new URLSearchParams('status=new&q=%E5%B1%B1%E7%94%B0&from=2025-04-01&offset=50'));
    expect(f).toEqual({ service_id: '', status: 'new', from: '2025-04-01', to: '', q: '山田', offset: 50 });
    expect(filtersToSearch(f).toString()).toBe('status=new&from=2025-04-01&q=%E5%B1%B1%E7%94%B0&offset=50');
  });
  it('builds API queries with JST day bounds', () => {
    const f = { service_id: '3', status: '', from: '2025-04-01', to: '2025-04-01', q: ' A7K ', offset: 0 };
    const s = new URLSearchParams(apiQuery(f, { paging: false }).slice(1));
    expect(s.get('service_id')).toBe('3');
    expect(s.get('q')).toBe('A7K');
    expect(Number(s.get('from'))).toBe(Date.UTC(2025, 2, 31, 15));
    expect(Number(s.get('to'))).toBe(Date.UTC(2025, 3, 1, 15) - 1);
    expect(s.has('limit')).toBe(false);
    expect(apiQuery({ ...f, offset: 50 }, { paging: true })).toContain('limit=50');
    expect(apiQuery({ service_id: '', status: '', from: '', to: '', q: '', offset: 0 }, { paging: false })).toBe('');
  });
});

describe('roles', () => {
  it('orders admin > editor > operator > viewer', () => {
    expect(atLeast('admin', 'editor')).toBe(true);
    expect(atLeast('operator', 'editor')).toBe(false);
    expect(atLeast('viewer', 'viewer')).toBe(true);
    expect(atLeast('nobody', 'viewer')).toBe(false);
  });
});
