// The results of one service (issue 9, item 15): applications per status, counts per choice
// for every choice question, and the rating distribution, within a JST day range. Each chart
// is a table — the numbers are the content, read the same by screen readers — with a bar
// drawn in SVG beside each count (decoration, hidden from assistive technology).
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';

export interface ResultsChoice { value: string; label: string; count: number }
export interface ResultsQuestion { step_id: string; label: string; multiple: boolean; removed: boolean; answered: number; skipped: number; choices: ResultsChoice[] }
export interface ResultsRating { step_id: string; label: string; removed: boolean; total: number; average: number | null; counts: { score: number; count: number }[] }
export interface ServiceResultsData {
  service: { id: number; title: string };
  total: number;
  statuses: { status: string; label: string; count: number }[];
  questions: ResultsQuestion[];
  ratings: ResultsRating[];
}

interface Row { key: string; label: string; count: number }

// Share of `n` in `of`, as a whole percent; 0 when nothing was counted.
export function percent(n: number, of: number): number {
  return of > 0 ? Math.round((n * 100) / of) : 0;
}

function BarTable({ caption, rows, base, testId, note }: { caption: string; rows: Row[]; base: number; testId: string; note?: string }) {
  const { t } = useI18n();
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <div className="table-wrap results-chart">
      <table className="table table-compact" data-testid={testId}>
        <caption>{caption}{note && <span className="muted"> {note}</span>}</caption>
        <thead>
          <tr>
            <th scope="col">{t('results.item')}</th>
            <th scope="col" className="num">{t('results.count')}</th>
            <th scope="col" className="num">{t('results.share')}</th>
            <th scope="col"><span className="sr-only">{t('results.bar')}</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} data-testid="results-row" data-key={r.key}>
              <th scope="row">{r.label}</th>
              <td className="num" data-testid="results-count">{r.count}</td>
              <td className="num">{percent(r.count, base)}%</td>
              <td className="bar-cell">
                <svg aria-hidden="true" focusable="false" width="100%" height="16" viewBox="0 0 100 16" preserveAspectRatio="none">
                  <rect x="0" y="2" width="100" height="12" fill="#eef1f5" />
                  <rect x="0" y="2" width={(r.count * 100) / max} height="12" fill="#1d4f91" />
                </svg>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function ServiceResults() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  const [sp, setSp] = useSearchParams();
  const from = sp.get('from') ?? '';
  const to = sp.get('to') ?? '';
  const [draft, setDraft] = useState({ from, to });
  useEffect(() => setDraft({ from, to }), [from, to]);
  const query = new URLSearchParams();
  if (from) query.set('from', from);
  if (to) query.set('to', to);
  const qs = query.toString();
  const res = useLoad(() => api.get<ServiceResultsData>(`/api/services/${encodeURIComponent(id)}/results${qs ? `?${qs}` : ''}`), [id, qs]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (draft.from) next.set('from', draft.from);
    if (draft.to) next.set('to', draft.to);
    setSp(next);
  };
  const appsLink = new URLSearchParams({ service_id: id });
  if (from) appsLink.set('from', from);
  if (to) appsLink.set('to', to);
  const d = res.data;

  return (
    <section data-testid="service-results">
      <div className="page-head">
        <h1>{t('results.title')}{d && <span className="results-service">：{d.service.title}</span>}</h1>
        <Link className="btn" to={`/console/applications?${appsLink}`} data-testid="results-applications">{t('results.toApplications')}</Link>
      </div>
      <form className="card filters" onSubmit={apply} aria-label={t('results.range')} data-testid="results-filters">
        <div className="field">
          <label htmlFor="r-from">{t('apps.from')}</label>
          <input id="r-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} data-testid="results-from" />
        </div>
        <div className="field">
          <label htmlFor="r-to">{t('apps.to')}</label>
          <input id="r-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} data-testid="results-to" />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" data-testid="results-apply">{t('results.show')}</button>
          <button type="button" className="btn btn-ghost" onClick={() => setSp(new URLSearchParams())}>{t('common.clear')}</button>
        </div>
      </form>
      <ErrorMessage error={res.error} testId="results-error" />
      {res.loading && !d ? <Loading /> : d && (
        <div aria-live="polite">
          <p data-testid="results-total">{t('results.total', { n: d.total })}</p>

          <h2>{t('results.statuses')}</h2>
          <BarTable caption={t('apps.status')} base={d.total} testId="results-statuses"
            rows={d.statuses.map((s) => ({ key: s.status, label: t(`status.${s.status}` as MessageKey), count: s.count }))} />

          <h2>{t('results.ratings')}</h2>
          {d.ratings.length === 0 ? <p className="muted">{t('results.noRatings')}</p> : d.ratings.map((r) => (
            <BarTable key={r.step_id} caption={r.label} base={r.total} testId="results-rating"
              note={`${t('results.ratingSummary', { n: r.total, avg: r.average === null ? '—' : r.average.toFixed(1) })}${r.removed ? ` ${t('results.removed')}` : ''}`}
              rows={[...r.counts].reverse().map((c) => ({ key: String(c.score), label: t(`results.score${c.score}` as MessageKey), count: c.count }))} />
          ))}

          <h2>{t('results.choices')}</h2>
          {d.questions.length === 0 ? <p className="muted">{t('results.noChoices')}</p> : d.questions.map((q) => (
            <BarTable key={q.step_id} caption={q.label} base={q.answered} testId="results-question"
              note={`${t(q.multiple ? 'results.answeredMulti' : 'results.answered', { n: q.answered })}${q.removed ? ` ${t('results.removed')}` : ''}`}
              rows={q.choices.map((c) => ({ key: c.value, label: c.label, count: c.count }))} />
          ))}
        </div>
      )}
    </section>
  );
}
