// Date and value display helpers. Pure, no DOM.
// Japanese municipalities live in JST (UTC+9, no daylight saving), so staff and
// residents see times in JST regardless of the browser's time zone.

import type { Locale } from './i18n';

const JST_OFFSET_MS = 9 * 60 * 60 * 1000;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Calendar parts of an instant in JST. */
export function jstParts(ms: number): { y: number; m: number; d: number; hh: number; mm: number; dow: number } {
  const d = new Date(ms + JST_OFFSET_MS);
  return {
    y: d.getUTCFullYear(),
    m: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    hh: d.getUTCHours(),
    mm: d.getUTCMinutes(),
    dow: d.getUTCDay(),
  };
}

const ERAS: { name: string; en: string; start: [number, number, number] }[] = [
  { name: '令和', en: 'Reiwa', start: [2019, 5, 1] },
  { name: '平成', en: 'Heisei', start: [1989, 1, 8] },
  { name: '昭和', en: 'Showa', start: [1926, 12, 25] },
  { name: '大正', en: 'Taisho', start: [1912, 7, 30] },
  { name: '明治', en: 'Meiji', start: [1868, 1, 25] },
];

function cmp(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** 和暦 year label, e.g. (2025,4,1) → "令和7年", (2019,5,1) → "令和元年". */
export function warekiYear(y: number, m: number, d: number): string {
  for (const era of ERAS) {
    if (cmp([y, m, d], era.start) >= 0) {
      const n = y - era.start[0] + 1;
      return `${era.name}${n === 1 ? '元' : n}年`;
    }
  }
  return `${y}年`;
}

const DOW_JA = ['日', '月', '火', '水', '木', '金', '土'];
const DOW_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Unix ms → "2025/04/01 09:05" (ja) or "2025-04-01 09:05" (en), JST. Empty for missing values. */
export function formatDateTime(ms: number | null | undefined, locale: Locale = 'ja'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const p = jstParts(ms);
  const sep = locale === 'ja' ? '/' : '-';
  return `${p.y}${sep}${pad(p.m)}${sep}${pad(p.d)} ${pad(p.hh)}:${pad(p.mm)}`;
}

/** Unix ms → "2025/04/01" (ja) / "2025-04-01" (en), JST. */
export function formatDate(ms: number | null | undefined, locale: Locale = 'ja'): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  const p = jstParts(ms);
  const sep = locale === 'ja' ? '/' : '-';
  return `${p.y}${sep}${pad(p.m)}${sep}${pad(p.d)}`;
}

/** Parse "YYYY-MM-DD" strictly. */
export function parseIsoDate(s: string | null | undefined): { y: number; m: number; d: number } | null {
  if (!s) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return { y, m: mo, d };
}

/** ISO date "2025-04-01" → "令和7年4月1日（火）" (ja) / "Tue, 1 Apr 2025" (en). Returns input if unparsable. */
export function formatIsoDateLong(iso: string, locale: Locale = 'ja'): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  const dow = new Date(Date.UTC(p.y, p.m - 1, p.d)).getUTCDay();
  if (locale === 'ja') return `${warekiYear(p.y, p.m, p.d)}${p.m}月${p.d}日（${DOW_JA[dow]}）`;
  return `${DOW_EN[dow]}, ${p.d} ${MONTH_EN[p.m - 1]} ${p.y}`;
}

/** Today's date in JST as "YYYY-MM-DD". */
export function todayIso(nowMs: number = Date.now()): string {
  const p = jstParts(nowMs);
  return `${p.y}-${pad(p.m)}-${pad(p.d)}`;
}

/** Add days to an ISO date. */
export function addDaysIso(iso: string, days: number): string {
  const p = parseIsoDate(iso);
  if (!p) return iso;
  const dt = new Date(Date.UTC(p.y, p.m - 1, p.d + days));
  return `${dt.getUTCFullYear()}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

/** Clamp an ISO date into [min, max] (either bound optional). ISO strings compare lexically. */
export function clampIsoDate(iso: string, min?: string | null, max?: string | null): string {
  if (min && iso < min) return min;
  if (max && iso > max) return max;
  return iso;
}

/** A sensible default for a date picker: a week from today, inside the allowed range. */
export function defaultPickerDate(min?: string | null, max?: string | null, nowMs: number = Date.now()): string {
  return clampIsoDate(addDaysIso(todayIso(nowMs), 7), min, max);
}

/** Start of a JST day (ISO date) in Unix ms; used for the applications date filter. */
export function jstDayStartMs(iso: string): number | null {
  const p = parseIsoDate(iso);
  if (!p) return null;
  return Date.UTC(p.y, p.m - 1, p.d) - JST_OFFSET_MS;
}

/** Last millisecond of a JST day. */
export function jstDayEndMs(iso: string): number | null {
  const s = jstDayStartMs(iso);
  return s === null ? null : s + 24 * 60 * 60 * 1000 - 1;
}

/** Yen amount: 1500 → "1,500円" (ja) / "¥1,500" (en). */
export function formatYen(n: number, locale: Locale = 'ja'): string {
  const s = Math.round(n).toLocaleString('en-US');
  return locale === 'ja' ? `${s}円` : `¥${s}`;
}

/** File size for humans. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
