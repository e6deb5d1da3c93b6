// The timing of a campaign as the console edits it, and its JSON for
// PUT /api/campaigns/{id}/timing (src/delivery/timing.h). Pure, so it is unit-tested in node.

export type TimingMode = 'now' | 'at' | 'recurring' | 'lifestage';
export type RepeatKind = 'daily' | 'weekdays' | 'weekly' | 'monthly' | 'nth_weekday' | 'every_n_days' | 'every_n_weeks';
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Everything the form holds; fields of the other modes are kept while staff switch. */
export interface TimingForm {
  mode: TimingMode;
  date: string;        // at: YYYY-MM-DD (JST)
  time: string;        // at, recurring, lifestage: HH:MM (JST)
  repeat: RepeatKind;
  weekdays: Weekday[]; // weekly, every_n_weeks
  dates: string;       // monthly: "1, 15, 末日"
  nthWeek: string;     // nth_weekday: "1".."5" or "last"
  nthWeekday: Weekday;
  interval: number;    // every_n_days / every_n_weeks
  start: string;       // every_n_*: required; others optional
  exclude: string;     // "2026-12-31, 2027-01-01"
  attribute: string;   // lifestage: a date attribute's key
  months: number;
  days: number;
}

export function emptyTiming(): TimingForm {
  return {
    mode: 'now', date: '', time: '09:00', repeat: 'daily', weekdays: ['mon'], dates: '1', nthWeek: '1',
    nthWeekday: 'mon', interval: 2, start: '', exclude: '', attribute: '', months: 4, days: 0,
  };
}

const list = (s: string) => s.split(/[,、\s]+/).map((x) => x.trim()).filter(Boolean);

/** The request body. Staff input is passed through as typed; the server names bad fields. */
export function timingToJson(f: TimingForm): Record<string, unknown> {
  switch (f.mode) {
    case 'now':
      return { kind: 'now' };
    case 'at':
      return { kind: 'at', at: `${f.date}T${f.time}` };
    case 'lifestage':
      return { kind: 'lifestage', attribute: f.attribute, months: f.months, days: f.days, time: f.time };
    case 'recurring': {
      const rule: Record<string, unknown> = { time: f.time };
      switch (f.repeat) {
        case 'daily': rule.kind = 'daily'; break;
        case 'weekdays': rule.kind = 'daily'; rule.days = 'weekdays'; break;
        case 'weekly': rule.kind = 'weekly'; rule.weekdays = f.weekdays; break;
        case 'monthly':
          rule.kind = 'monthly';
          rule.dates = list(f.dates).map((d) => (d === '末日' || d === 'last' ? 'last' : Number(d)));
          break;
        case 'nth_weekday':
          rule.kind = 'nth_weekday';
          rule.nth = [{ week: f.nthWeek === 'last' ? 'last' : Number(f.nthWeek), weekday: f.nthWeekday }];
          break;
        case 'every_n_days': rule.kind = 'every_n_days'; rule.interval = f.interval; break;
        case 'every_n_weeks': rule.kind = 'every_n_weeks'; rule.interval = f.interval; rule.weekdays = f.weekdays; break;
      }
      if (f.start) rule.start = f.start;
      const ex = list(f.exclude);
      if (ex.length) rule.exclude = ex;
      return { kind: 'recurring', rule };
    }
  }
}

/** Back from the server's canonical JSON (GET …/timing), e.g. to edit a saved timing. */
export function timingFromJson(j: unknown): TimingForm {
  const f = emptyTiming();
  const o = (j ?? {}) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (o.kind === 'at' && typeof o.at === 'string') {
    f.mode = 'at'; f.date = o.at.slice(0, 10); f.time = o.at.slice(11, 16);
  } else if (o.kind === 'lifestage') {
    f.mode = 'lifestage'; f.attribute = o.attribute ?? ''; f.months = o.months ?? 0; f.days = o.days ?? 0; f.time = o.time ?? '09:00';
  } else if (o.kind === 'recurring' && o.rule) {
    const r = o.rule;
    f.mode = 'recurring'; f.time = r.time ?? '09:00'; f.start = r.start ?? ''; f.exclude = (r.exclude ?? []).join(', ');
    if (r.kind === 'daily') f.repeat = r.days === 'weekdays' ? 'weekdays' : 'daily';
    else if (r.kind === 'weekly') { f.repeat = 'weekly'; f.weekdays = r.weekdays ?? []; }
    else if (r.kind === 'monthly') { f.repeat = 'monthly'; f.dates = (r.dates ?? []).map((d: unknown) => (d === 'last' ? '末日' : String(d))).join(', '); }
    else if (r.kind === 'nth_weekday' && r.nth?.[0]) { f.repeat = 'nth_weekday'; f.nthWeek = String(r.nth[0].week); f.nthWeekday = r.nth[0].weekday; }
    else if (r.kind === 'every_n_days') { f.repeat = 'every_n_days'; f.interval = r.interval ?? 2; }
    else if (r.kind === 'every_n_weeks') { f.repeat = 'every_n_weeks'; f.interval = r.interval ?? 2; f.weekdays = r.weekdays ?? []; }
  }
  return f;
}
