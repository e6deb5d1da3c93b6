// Types of the reservations staff API (src/reservations/routes.cpp) and the pure helpers the
// console pages use: opening hours between the API's shape and form rows, JST dates.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface Category { id: number; name: string; parent_id: number | null }
export interface SpecialDay { date: string; closed: boolean; hours: [string, string][]; note: string }
export interface Resource {
  id: number;
  category_id: number | null;
  name: string;
  description: string;
  slot_minutes: number;
  capacity: number;
  opening_hours: Partial<Record<Weekday, [string, string][]>>;
  closed_on_holidays: boolean;
  window_days: number;
  daily_limit: number;
  stopped: boolean;
  special_days: SpecialDay[];
  pin_enabled?: boolean;
  reminder?: { days_before: number; time: string };
  // Fees, exemptions, eligibility and party size (issue 12, migration 32).
  fee_per_slot?: number;
  exemptions?: { code: string; label: string; rate_percent: number }[];
  eligibility?: 'everyone' | 'residents' | 'segment';
  eligibility_segment_id?: number | null;
  party_min?: number;
  party_max?: number;
}
export interface Slot { start: string; capacity: number; booked: number; remaining: number; bookable: boolean }
export interface LedgerDay { date: string; closed: string | null; slots: Slot[] }
export interface Booking {
  id: number;
  resource_id: number;
  slot: string;
  party: number;
  status: 'booked' | 'cancelled';
  source: 'staff' | 'resident';
  resident_id: number | null;
  staff_id: number | null;
  note: string;
  reason: string;
  contact_name: string;
  contact_phone: string;
  created_at: number;
  updated_at: number;
  checked_in_at?: number | null;
  changed_to?: number | null;
  fee?: number;             // yen as charged; a multi-slot booking's whole fee is on its first row
  exemption_label?: string;
}
export interface Ledger { resource: Resource; days: LedgerDay[]; bookings: Booking[]; truncated: boolean }
export interface StatsDay { date: string; closed: string | null; slots: number; places: number; booked_party: number; bookings: number; cancelled: number }
export interface Stats {
  resource: { id: number; name: string; capacity: number };
  from: string;
  days: StatsDay[];
  total: { slots: number; places: number; booked_party: number; bookings: number; cancelled: number };
}

/** One time range of a form: "HH:MM" strings as <input type="time"> gives them. */
export interface Range { from: string; to: string }

export function hoursToForm(h: Resource['opening_hours']): Record<Weekday, Range[]> {
  const out = {} as Record<Weekday, Range[]>;
  for (const d of WEEKDAYS) out[d] = (h[d] ?? []).map(([from, to]) => ({ from, to }));
  return out;
}

export function hoursFromForm(f: Record<Weekday, Range[]>): Resource['opening_hours'] {
  const out: Resource['opening_hours'] = {};
  for (const d of WEEKDAYS) if (f[d].length) out[d] = f[d].map((r) => [r.from, r.to]);
  return out;
}

/** Today's date in JST as YYYY-MM-DD (municipal staff work in JST wherever the browser is). */
export function jstToday(now = Date.now()): string {
  return new Date(now + 9 * 3600e3).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Monday of the week of `date` (weeks in Japanese offices start on Monday). */
export function weekStart(date: string): string {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((dow + 6) % 7));
}

export function monthStart(date: string): string {
  return `${date.slice(0, 8)}01`;
}

export function daysInMonth(date: string): number {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** Index 0 = Sunday, as Date.getUTCDay. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Places booked as a whole percentage of places offered; null when nothing was offered. */
export function occupancy(booked: number, places: number): number | null {
  return places > 0 ? Math.round((booked / places) * 100) : null;
}

/** Categories as "上 › 中 › 下" paths, in tree order, for a select. */
export function categoryPaths(cats: Category[]): { id: number; path: string; depth: number }[] {
  const byParent = new Map<number | null, Category[]>();
  for (const c of cats) {
    const k = c.parent_id ?? null;
    byParent.set(k, [...(byParent.get(k) ?? []), c]);
  }
  const out: { id: number; path: string; depth: number }[] = [];
  const walk = (parent: number | null, prefix: string, depth: number) => {
    if (depth > 3) return;
    for (const c of byParent.get(parent) ?? []) {
      const path = prefix ? `${prefix} › ${c.name}` : c.name;
      out.push({ id: c.id, path, depth });
      walk(c.id, path, depth + 1);
    }
  };
  walk(null, '', 1);
  return out;
}

export type RangeProblem = 'empty' | 'order' | 'overlap';

/** What is wrong with one day's ranges before sending, so the form can name the weekday. */
export function rangeProblem(ranges: Range[]): RangeProblem | null {
  if (ranges.some((r) => !/^\d{2}:\d{2}$/.test(r.from) || !/^\d{2}:\d{2}$/.test(r.to))) return 'empty';
  if (ranges.some((r) => r.from >= r.to)) return 'order';
  const sorted = [...ranges].sort((a, b) => a.from.localeCompare(b.from));
  for (let i = 1; i < sorted.length; i++) if (sorted[i].from < sorted[i - 1].to) return 'overlap';
  return null;
}
