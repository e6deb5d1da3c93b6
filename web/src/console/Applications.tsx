import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, type ApplicationRow, type ServiceRow } from '../api';
import { ErrorMessage, Loading, StatusBadge, useLoad } from '../common';
import { formatDateTime, formatYen } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { assigneeName } from './Dashboard';
import { DepartmentScope } from './DepartmentPicker';
import { PAGE_SIZE, apiQuery, filtersFromSearch, filtersToSearch, type AppFilters } from './filters';

// The results page takes the same JST days (YYYY-MM-DD) the filter form holds.
const resultsQuery = (f: AppFilters) => new URLSearchParams(Object.entries({ from: f.from, to: f.to }).filter(([, v]) => v)).toString();

export const STATUSES = ['new', 'in_progress', 'done', 'rejected', 'withdrawn'] as const;

export default function Applications() {
  const { t, locale } = useI18n();
  const [sp, setSp] = useSearchParams();
  const filters = filtersFromSearch(sp);
  const [draft, setDraft] = useState<AppFilters>(filters);
  const key = sp.toString();
  useEffect(() => setDraft(filtersFromSearch(new URLSearchParams(key))), [key]);

  const services = useLoad(() => api.get<{ items: ServiceRow[] }>('/api/services'), []);
  const list = useLoad(() => api.get<{ items: ApplicationRow[]; total: number }>(`/api/applications${apiQuery(filters, { paging: true })}`), [key]);

  const apply = (e: FormEvent) => { e.preventDefault(); setSp(filtersToSearch({ ...draft, offset: 0 })); };
  const clear = () => setSp(new URLSearchParams());
  const page = (offset: number) => setSp(filtersToSearch({ ...filters, offset }));
  const csvHref = `/api/applications/export.csv${apiQuery(filters, { paging: false })}`;
  const total = list.data?.total ?? 0;

  return (
    <section data-testid="applications">
      <div className="page-head">
        <h1>{t('apps.title')}</h1>
        <div className="btn-row">
          {filters.service_id && <Link className="btn" to={`/console/services/${encodeURIComponent(filters.service_id)}/results?${resultsQuery(filters)}`} data-testid="apps-results">{t('results.linkFiltered')}</Link>}
          <a className="btn" href={csvHref} download data-testid="csv-export">{t('apps.csv')}</a>
        </div>
      </div>
      <DepartmentScope />
      <form className="card filters" onSubmit={apply} aria-label={t('apps.filters')} data-testid="app-filters">
        <div className="field">
          <label htmlFor="f-service">{t('apps.service')}</label>
          <select id="f-service" value={draft.service_id} onChange={(e) => setDraft({ ...draft, service_id: e.target.value })} data-testid="filter-service">
            <option value="">{t('apps.all')}</option>
            {services.data?.items.map((s) => <option key={s.id} value={String(s.id)}>{s.title}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-status">{t('apps.status')}</label>
          <select id="f-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })} data-testid="filter-status">
            <option value="">{t('apps.all')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}` as MessageKey)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-from">{t('apps.from')}</label>
          <input id="f-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} data-testid="filter-from" />
        </div>
        <div className="field">
          <label htmlFor="f-to">{t('apps.to')}</label>
          <input id="f-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} data-testid="filter-to" />
        </div>
        <div className="field field-wide">
          <label htmlFor="f-q">{t('apps.q')}</label>
          <input id="f-q" type="search" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} data-testid="filter-q" />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" data-testid="filter-apply">{t('common.search')}</button>
          <button type="button" className="btn btn-ghost" onClick={clear}>{t('common.clear')}</button>
        </div>
      </form>

      <ErrorMessage error={list.error} />
      {list.loading && !list.data ? <Loading /> : list.data && (
        <>
          <p className="muted" aria-live="polite" data-testid="apps-total">{t('common.total', { n: total })}</p>
          {list.data.items.length === 0 ? <p data-testid="apps-empty">{t('apps.empty')}</p> : (
            <div className="table-wrap">
              <table className="table" data-testid="apps-table">
                <thead>
                  <tr>
                    <th scope="col">{t('apps.receipt')}</th><th scope="col">{t('apps.service')}</th>
                    <th scope="col">{t('apps.status')}</th><th scope="col">{t('apps.assignee')}</th>
                    <th scope="col">{t('apps.submittedAt')}</th><th scope="col" className="num">{t('app.totalFee')}</th>
                    <th scope="col">{t('apps.channel')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((a) => (
                    <tr key={a.id} data-testid="app-row" data-receipt={a.receipt_number}>
                      <td><Link className="mono" to={`/console/applications/${a.id}`} data-testid="app-link">{a.receipt_number}</Link></td>
                      <td>{a.service_title}</td>
                      <td><StatusBadge status={a.status} /></td>
                      <td>{assigneeName(a.assignee)}</td>
                      <td>{formatDateTime(a.submitted_at, locale)}</td>
                      <td className="num" data-testid="app-fee">{a.total_fee === undefined ? '' : a.total_fee > 0 ? formatYen(a.total_fee, locale) : t('app.noFee')}</td>
                      <td>{a.channel === 'line' ? 'LINE' : a.channel === 'web' ? 'Web' : a.channel}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {total > PAGE_SIZE && (
            <div className="pager">
              <button type="button" className="btn" disabled={filters.offset === 0} onClick={() => page(Math.max(0, filters.offset - PAGE_SIZE))}>{t('apps.prev')}</button>
              <span>{filters.offset + 1}–{Math.min(total, filters.offset + PAGE_SIZE)} / {total}</span>
              <button type="button" className="btn" disabled={filters.offset + PAGE_SIZE >= total} onClick={() => page(filters.offset + PAGE_SIZE)}>{t('apps.next')}</button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
