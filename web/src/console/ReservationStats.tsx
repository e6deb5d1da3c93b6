import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import { useDateLabel } from './ReservationsFields';
import { addDays, occupancy, type Stats } from './reservationsModel';

const PERIODS = [7, 30, 90, 365];

/**
 * Occupancy per day of a period (places booked / places offered) as a table whose bars are
 * decoration: the numbers are in the cells, so screen readers and printouts get them too.
 * The CSV link exports the same period's bookings.
 */
export default function ReservationStats({ resourceId, initialFrom, changes }: { resourceId: number; initialFrom: string; changes: number }) {
  const { t } = useI18n();
  const dateLabel = useDateLabel();
  const [draft, setDraft] = useState({ from: initialFrom, days: 30 });
  const [period, setPeriod] = useState(draft);
  const stats = useLoad(() => api.get<Stats>(`/api/resources/${resourceId}/stats?from=${period.from}&days=${period.days}`), [resourceId, period.from, period.days, changes]);
  const submit = (e: FormEvent) => { e.preventDefault(); if (draft.from) setPeriod(draft); };
  const s = stats.data;
  const total = s ? occupancy(s.total.booked_party, s.total.places) : null;
  const csv = `/api/resources/${resourceId}/bookings.csv?from=${period.from}&days=${period.days}`;
  // Days without slots (closed) are left out of the chart, and listed in the total only.
  const open = s?.days.filter((d) => d.places > 0) ?? [];
  return (
    <div className="card" data-testid="rsv-stats">
      <h2>{t('rsv.statsTitle')}</h2>
      <form onSubmit={submit} className="rsv-stats-form">
        <div className="form-grid">
          <div className="field"><label htmlFor="st-from">{t('rsv.statsFrom')}</label>
            <input id="st-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} data-testid="st-from" /></div>
          <div className="field"><label htmlFor="st-days">{t('rsv.statsPeriod')}</label>
            <select id="st-days" value={draft.days} onChange={(e) => setDraft({ ...draft, days: Number(e.target.value) })} data-testid="st-days">
              {PERIODS.map((n) => <option key={n} value={n}>{t('rsv.statsDays', { n })}</option>)}
            </select></div>
        </div>
        <div className="btn-row">
          <button type="submit" className="btn" data-testid="st-show">{t('rsv.statsShow')}</button>
          <a className="btn" href={csv} download data-testid="st-csv">{t('rsv.csv')}</a>
        </div>
      </form>
      <ErrorMessage error={stats.error} testId="st-error" />
      {stats.loading && !s && <Loading />}
      {s && (
        <>
          <p data-testid="st-total">{t('rsv.statsTotal', {
            from: dateLabel(s.from), to: dateLabel(addDays(s.from, s.days.length - 1)),
            booked: s.total.booked_party, places: s.total.places, rate: total ?? 0, bookings: s.total.bookings, cancelled: s.total.cancelled,
          })}</p>
          {open.length === 0 ? <p>{t('rsv.statsNone')}</p> : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('rsv.statsTitle')}>
              <table className="table rsv-stats-table" data-testid="st-table">
                <caption className="sr-only">{t('rsv.statsCaption')}</caption>
                <thead><tr>
                  <th scope="col">{t('rsv.date')}</th><th scope="col">{t('rsv.statsRate')}</th>
                  <th scope="col">{t('rsv.statsBooked')}</th><th scope="col">{t('rsv.statsBookings')}</th><th scope="col">{t('rsv.statsCancelled')}</th>
                </tr></thead>
                <tbody>
                  {open.map((d) => {
                    const rate = occupancy(d.booked_party, d.places) ?? 0;
                    return (
                      <tr key={d.date}>
                        <th scope="row">{dateLabel(d.date)}</th>
                        <td className="rsv-bar-cell">
                          <span className="rsv-bar" aria-hidden="true"><span style={{ width: `${Math.min(100, rate)}%` }} /></span>
                          <span>{rate}%</span>
                        </td>
                        <td>{d.booked_party} / {d.places}</td>
                        <td>{d.bookings}</td>
                        <td>{d.cancelled}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </div>
  );
}
