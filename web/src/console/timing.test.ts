import { describe, expect, it } from 'vitest';
import { emptyTiming, timingFromJson, timingToJson, type TimingForm } from './timing';

const form = (over: Partial<TimingForm>): TimingForm => ({ ...emptyTiming(), ...over });

describe('campaign timing form', () => {
  it('sends now, a JST date and time, and a life-stage trigger', () => {
    expect(timingToJson(form({}))).toEqual({ kind: 'now' });
    expect(timingToJson(form({ mode: 'at', date: '2026-12-24', time: '09:30' }))).toEqual({ kind: 'at', at: '2026-12-24T09:30' });
    expect(timingToJson(form({ mode: 'lifestage', attribute: 'child_birth_date', months: 4, days: 0, time: '10:00' })))
      .toEqual({ kind: 'lifestage', attribute: 'child_birth_date', months: 4, days: 0, time: '10:00' });
  });
  it('writes each repeat as the server rule', () => {
    const r = (over: Partial<TimingForm>) => timingToJson(form({ mode: 'recurring', ...over })).rule;
    expect(r({ repeat: 'weekdays' })).toEqual({ kind: 'daily', days: 'weekdays', time: '09:00' });
    expect(r({ repeat: 'monthly', dates: '1、15, 末日' })).toEqual({ kind: 'monthly', dates: [1, 15, 'last'], time: '09:00' });
    expect(r({ repeat: 'nth_weekday', nthWeek: 'last', nthWeekday: 'fri' })).toEqual({ kind: 'nth_weekday', nth: [{ week: 'last', weekday: 'fri' }], time: '09:00' });
    expect(r({ repeat: 'every_n_weeks', interval: 2, weekdays: ['wed'], start: '2026-04-01', exclude: '2026-04-29 2026-05-06' }))
      .toEqual({ kind: 'every_n_weeks', interval: 2, weekdays: ['wed'], start: '2026-04-01', time: '09:00', exclude: ['2026-04-29', '2026-05-06'] });
  });
  it('reads back what it wrote', () => {
    for (const f of [
      form({ mode: 'at', date: '2027-01-01', time: '00:00' }),
      form({ mode: 'recurring', repeat: 'monthly', dates: '1, 末日', time: '08:30' }),
      form({ mode: 'recurring', repeat: 'nth_weekday', nthWeek: '2', nthWeekday: 'tue' }),
      form({ mode: 'lifestage', attribute: 'due_date', months: 0, days: -140 }),
    ]) expect(timingToJson(timingFromJson(timingToJson(f)))).toEqual(timingToJson(f));
  });
});
