// Applications inbox filters ↔ URL search params ↔ API query. Pure.
import { jstDayEndMs, jstDayStartMs } from '../format';

export interface AppFilters { service_id: string; status: string; from: string; to: string; q: string; offset: number }
export const PAGE_SIZE = 50;

export function filtersFromSearch(sp: URLSearchParams): AppFilters {
  return {
    service_id: sp.get('service_id') ?? '',
    status: sp.get('status') ?? '',
    from: sp.get('from') ?? '',
    to: sp.get('to') ?? '',
    q: sp.get('q') ?? '',
    offset: Math.max(0, Number(sp.get('offset') ?? 0) || 0),
  };
}

export function filtersToSearch(f: AppFilters): URLSearchParams {
  const sp = new URLSearchParams();
  if (f.service_id) sp.set('service_id', f.service_id);
  if (f.status) sp.set('status', f.status);
  if (f.from) sp.set('from', f.from);
  if (f.to) sp.set('to', f.to);
  if (f.q.trim()) sp.set('q', f.q.trim());
  if (f.offset) sp.set('offset', String(f.offset));
  return sp;
}

/**
 * Query string for GET /api/applications and /api/applications/export.csv.
 * Dates picked as JST calendar days become Unix-ms bounds (from = 00:00, to = 23:59:59.999).
 */
export function apiQuery(f: AppFilters, opts: { paging: boolean }): string {
  const sp = new URLSearchParams();
  if (f.status) sp.set('status', f.status);
  if (f.service_id) sp.set('service_id', f.service_id);
  if (f.q.trim()) sp.set('q', f.q.trim());
  const from = f.from ? jstDayStartMs(f.from) : null;
  const to = f.to ? jstDayEndMs(f.to) : null;
  if (from !== null) sp.set('from', String(from));
  if (to !== null) sp.set('to', String(to));
  if (opts.paging) {
    sp.set('limit', String(PAGE_SIZE));
    if (f.offset) sp.set('offset', String(f.offset));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}
