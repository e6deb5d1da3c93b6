import { useState } from 'react';
import { api, type JobRow } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';

export default function Jobs() {
  const { t, locale } = useI18n();
  const list = useLoad(() => api.get<{ items: JobRow[] }>('/api/jobs?status=dead'), []);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  const retry = async (id: number) => {
    setBusy(id); setError(null); setNotice(null);
    try { await api.post(`/api/jobs/${id}/retry`); setNotice(t('jobs.retried', { id })); list.reload(); }
    catch (e) { setError(e); } finally { setBusy(null); }
  };

  return (
    <section data-testid="jobs">
      <h1>{t('jobs.title')}</h1>
      <Notice text={notice} />
      <ErrorMessage error={error} />
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p data-testid="jobs-empty">{t('jobs.empty')}</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="jobs-table">
            <thead><tr><th scope="col">ID</th><th scope="col">{t('jobs.kind')}</th><th scope="col">{t('jobs.status')}</th><th scope="col">{t('jobs.attempts')}</th><th scope="col">{t('jobs.lastError')}</th><th scope="col">{t('jobs.runAt')}</th><th scope="col"><span className="sr-only">{t('jobs.retry')}</span></th></tr></thead>
            <tbody>
              {list.data.items.map((j) => (
                <tr key={j.id}>
                  <td className="mono">{j.id}</td><td className="mono">{j.kind}</td><td>{j.status}</td><td>{j.attempts}</td>
                  <td className="detail-cell">{j.last_error}</td><td className="nowrap">{formatDateTime(j.run_at, locale)}</td>
                  <td><button type="button" className="btn btn-small" disabled={busy === j.id} onClick={() => retry(j.id)} data-testid="job-retry">{t('jobs.retry')}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}
