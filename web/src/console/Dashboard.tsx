import { Link } from 'react-router-dom';
import { api, type Dashboard as DashboardData, type DashboardCounts } from '../api';
import { ErrorMessage, Loading, StatusBadge, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';

const CARDS: { k: keyof DashboardCounts; label: MessageKey; link?: string }[] = [
  { k: 'applications_open', label: 'dash.applicationsOpen', link: '/console/applications?status=new' },
  { k: 'applications', label: 'dash.applications', link: '/console/applications' },
  { k: 'services_published', label: 'dash.servicesPublished', link: '/console/services' },
  { k: 'services', label: 'dash.services', link: '/console/services' },
  { k: 'residents', label: 'dash.residents' },
  { k: 'staff', label: 'dash.staff' },
  { k: 'jobs_pending', label: 'dash.jobsPending' },
  { k: 'jobs_dead', label: 'dash.jobsDead', link: '/console/jobs' },
];

export function assigneeName(a: unknown): string {
  if (!a) return '';
  if (typeof a === 'string') return a;
  if (typeof a === 'object') {
    const o = a as { name?: string; email?: string };
    return o.name || o.email || '';
  }
  return String(a);
}

export default function Dashboard() {
  const { t, locale } = useI18n();
  const { data, error, loading } = useLoad(() => api.get<DashboardData>('/api/dashboard'), []);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} />;
  if (!data) return null;
  return (
    <section data-testid="dashboard">
      <h1>
        <span className="h-sub" data-testid="dashboard-tenant">{data.tenant?.name}</span>
        {t('dash.title')}
      </h1>
      <ul className="stat-grid">
        {CARDS.map((c) => {
          const n = data.counts?.[c.k] ?? 0;
          const body = (<><span className="stat-num" data-testid={`count-${c.k}`}>{n.toLocaleString()}</span><span className="stat-label">{t(c.label)}</span></>);
          return (
            <li key={c.k} className={`stat${c.k === 'jobs_dead' && n > 0 ? ' stat-warn' : ''}`}>
              {c.link ? <Link to={c.link}>{body}</Link> : <div>{body}</div>}
            </li>
          );
        })}
      </ul>
      <h2>{t('dash.recent')}</h2>
      {data.recent_applications?.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead><tr><th scope="col">{t('apps.receipt')}</th><th scope="col">{t('apps.service')}</th><th scope="col">{t('apps.status')}</th><th scope="col">{t('apps.submittedAt')}</th></tr></thead>
            <tbody>
              {data.recent_applications.map((a) => (
                <tr key={a.id}>
                  <td><Link to={`/console/applications/${a.id}`} className="mono">{a.receipt_number}</Link></td>
                  <td>{a.service_title}</td>
                  <td><StatusBadge status={a.status} /></td>
                  <td>{formatDateTime(a.submitted_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : <p className="muted">{t('dash.noRecent')}</p>}
    </section>
  );
}
