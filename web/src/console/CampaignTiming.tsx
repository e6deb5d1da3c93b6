// When a campaign goes out: now, at a date and time, on a repeat, or when a resident's date
// attribute reaches an age (life-stage). Self-contained: the composer holds a TimingForm,
// renders <CampaignTiming value onChange />, and after creating the draft calls
// saveTiming(id, value) before sending. All times are Japan time (JST).
import { api } from '../api';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { WEEKDAYS, timingToJson, type RepeatKind, type TimingForm, type TimingMode, type Weekday } from './timing';

export { emptyTiming, timingFromJson, timingToJson, type TimingForm } from './timing';

export interface CampaignTimingProps {
  value: TimingForm;
  onChange: (next: TimingForm) => void;
  /** The tenant's date attributes (key, label) for life-stage triggers; none hides that choice. */
  dateAttributes?: { key: string; label: string }[];
  disabled?: boolean;
  /** Distinguishes ids when the component appears twice on a page. */
  idPrefix?: string;
}

/** What the server answers for a campaign's timing (GET/PUT /api/campaigns/{id}/timing). */
export interface TimingState {
  campaign_id: number;
  timing: Record<string, unknown>;
  description: string;
  next_run_at: number | null;
  occurrences: { key: string; occurrence_at: number; delivery_id: number | null; recipients: number }[];
  approval: { decision: string; reason: string; requested_by: number; decided_by: number | null } | null;
}

/** Stores the timing of a draft campaign (400 names the field, e.g. "at" or "rule.time"). */
export function saveTiming(campaignId: number, form: TimingForm): Promise<TimingState> {
  return api.put<TimingState>(`/api/campaigns/${campaignId}/timing`, timingToJson(form));
}

const MODES: TimingMode[] = ['now', 'at', 'recurring', 'lifestage'];
const REPEATS: RepeatKind[] = ['daily', 'weekdays', 'weekly', 'monthly', 'nth_weekday', 'every_n_days', 'every_n_weeks'];

export default function CampaignTiming({ value, onChange, dateAttributes = [], disabled, idPrefix = 'timing' }: CampaignTimingProps) {
  const { t } = useI18n();
  const set = (patch: Partial<TimingForm>) => onChange({ ...value, ...patch });
  const id = (s: string) => `${idPrefix}-${s}`;
  const modes = MODES.filter((m) => m !== 'lifestage' || dateAttributes.length > 0);
  const toggleDay = (d: Weekday) =>
    set({ weekdays: value.weekdays.includes(d) ? value.weekdays.filter((x) => x !== d) : [...value.weekdays, d] });
  const weekdayChecks = (
    <fieldset className="field">
      <legend>{t('tm.weekdays')}</legend>
      <div style={{ display: 'flex', flexWrap: 'wrap', columnGap: '1rem' }}>
        {WEEKDAYS.map((d) => (
          <label key={d} className="check">
            <input type="checkbox" checked={value.weekdays.includes(d)} disabled={disabled} onChange={() => toggleDay(d)} data-testid={`${idPrefix}-wd-${d}`} />
            {t(`tm.wd.${d}` as MessageKey)}
          </label>
        ))}
      </div>
    </fieldset>
  );
  const timeField = (
    <div className="field">
      <label htmlFor={id('time')}>{t('tm.time')}</label>
      <input id={id('time')} type="time" required value={value.time} disabled={disabled} onChange={(e) => set({ time: e.target.value })} data-testid={`${idPrefix}-time`} />
    </div>
  );

  return (
    <fieldset className="card campaign-timing" data-testid={idPrefix}>
      <legend>{t('tm.title')}</legend>
      <div className="field" role="radiogroup" aria-label={t('tm.title')}>
        {modes.map((m) => (
          <label key={m} className="check">
            <input type="radio" name={id('mode')} value={m} checked={value.mode === m} disabled={disabled} onChange={() => set({ mode: m })} data-testid={`${idPrefix}-mode-${m}`} />
            {t(`tm.mode.${m}` as MessageKey)}
          </label>
        ))}
      </div>

      {value.mode === 'at' && (
        <>
          <div className="field">
            <label htmlFor={id('date')}>{t('tm.date')}</label>
            <input id={id('date')} type="date" required value={value.date} disabled={disabled} onChange={(e) => set({ date: e.target.value })} data-testid={`${idPrefix}-date`} />
          </div>
          {timeField}
        </>
      )}

      {value.mode === 'recurring' && (
        <>
          <div className="field">
            <label htmlFor={id('repeat')}>{t('tm.repeat')}</label>
            <select id={id('repeat')} value={value.repeat} disabled={disabled} onChange={(e) => set({ repeat: e.target.value as RepeatKind })} data-testid={`${idPrefix}-repeat`}>
              {REPEATS.map((r) => <option key={r} value={r}>{t(`tm.repeat.${r}` as MessageKey)}</option>)}
            </select>
          </div>
          {(value.repeat === 'weekly' || value.repeat === 'every_n_weeks') && weekdayChecks}
          {value.repeat === 'monthly' && (
            <div className="field">
              <label htmlFor={id('dates')}>{t('tm.dates')}</label>
              <input id={id('dates')} value={value.dates} disabled={disabled} onChange={(e) => set({ dates: e.target.value })} data-testid={`${idPrefix}-dates`} />
              <p className="muted">{t('tm.datesHint')}</p>
            </div>
          )}
          {value.repeat === 'nth_weekday' && (
            <div style={{ display: 'flex', flexWrap: 'wrap', columnGap: '1rem' }}>
              <div className="field">
                <label htmlFor={id('nth')}>{t('tm.nth')}</label>
                <select id={id('nth')} value={value.nthWeek} disabled={disabled} onChange={(e) => set({ nthWeek: e.target.value })}>
                  {['1', '2', '3', '4', '5', 'last'].map((w) => <option key={w} value={w}>{w === 'last' ? t('tm.last') : t('tm.nthN', { n: w })}</option>)}
                </select>
              </div>
              <div className="field">
                <label htmlFor={id('nth-wd')}>{t('tm.weekday')}</label>
                <select id={id('nth-wd')} value={value.nthWeekday} disabled={disabled} onChange={(e) => set({ nthWeekday: e.target.value as Weekday })}>
                  {WEEKDAYS.map((d) => <option key={d} value={d}>{t(`tm.wd.${d}` as MessageKey)}</option>)}
                </select>
              </div>
            </div>
          )}
          {(value.repeat === 'every_n_days' || value.repeat === 'every_n_weeks') && (
            <div className="field">
              <label htmlFor={id('interval')}>{t(value.repeat === 'every_n_days' ? 'tm.intervalDays' : 'tm.intervalWeeks')}</label>
              <input id={id('interval')} type="number" min={1} max={value.repeat === 'every_n_days' ? 366 : 52} value={value.interval} disabled={disabled}
                onChange={(e) => set({ interval: Number(e.target.value) })} data-testid={`${idPrefix}-interval`} />
            </div>
          )}
          {timeField}
          <div className="field">
            <label htmlFor={id('start')}>{t(value.repeat.startsWith('every_n') ? 'tm.startRequired' : 'tm.start')}</label>
            <input id={id('start')} type="date" value={value.start} disabled={disabled} required={value.repeat.startsWith('every_n')} onChange={(e) => set({ start: e.target.value })} data-testid={`${idPrefix}-start`} />
          </div>
          <div className="field">
            <label htmlFor={id('exclude')}>{t('tm.exclude')}</label>
            <input id={id('exclude')} value={value.exclude} disabled={disabled} placeholder="2026-12-31, 2027-01-01" onChange={(e) => set({ exclude: e.target.value })} data-testid={`${idPrefix}-exclude`} />
          </div>
        </>
      )}

      {value.mode === 'lifestage' && (
        <>
          <div className="field">
            <label htmlFor={id('attribute')}>{t('tm.attribute')}</label>
            <select id={id('attribute')} value={value.attribute} disabled={disabled} onChange={(e) => set({ attribute: e.target.value })} data-testid={`${idPrefix}-attribute`}>
              <option value="">{t('tm.choose')}</option>
              {dateAttributes.map((a) => <option key={a.key} value={a.key}>{a.label}</option>)}
            </select>
          </div>
          <div style={{ display: 'flex', flexWrap: 'wrap', columnGap: '1rem' }}>
            <div className="field">
              <label htmlFor={id('months')}>{t('tm.months')}</label>
              <input id={id('months')} type="number" min={0} max={240} value={value.months} disabled={disabled} onChange={(e) => set({ months: Number(e.target.value) })} data-testid={`${idPrefix}-months`} />
            </div>
            <div className="field">
              <label htmlFor={id('days')}>{t('tm.days')}</label>
              <input id={id('days')} type="number" min={-400} max={400} value={value.days} disabled={disabled} onChange={(e) => set({ days: Number(e.target.value) })} data-testid={`${idPrefix}-days`} />
            </div>
          </div>
          <p className="muted">{t('tm.lifestageHint')}</p>
          {timeField}
        </>
      )}
      <p className="muted">{t('tm.jst')}</p>
    </fieldset>
  );
}
