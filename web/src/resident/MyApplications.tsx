import { Link, useParams } from 'react-router-dom';
import { api, type MyApplication } from '../api';
import { ErrorMessage, Loading, StatusBadge, useLoad, usePageTitle } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import MessagesPanel from './Messages';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';

function correctionText(c: unknown): string {
  if (!c) return '';
  if (typeof c === 'string') return c;
  if (typeof c === 'object') {
    const o = c as Record<string, unknown>;
    return String(o.reason ?? o.text ?? o.message ?? '');
  }
  return '';
}

export default function MyApplications() {
  const { tenant = '' } = useParams();
  const { t, locale } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('res.my'), info.data?.name);
  const my = useLoad(() => api.get<{ items: MyApplication[] }>(`/api/public/${encodeURIComponent(tenant)}/my/applications`), [tenant]);
  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1>{t('res.my')}</h1>
      <MessagesPanel tenant={tenant} here={`/t/${encodeURIComponent(tenant)}/my`} />
      {my.loading && !my.data ? <Loading /> : <ErrorMessage error={my.error} />}
      {my.data && (my.data.items.length === 0 ? <p data-testid="my-empty">{t('res.myEmpty')}</p> : (
        <ul className="my-list" data-testid="my-applications">
          {my.data.items.map((a) => (
            <li key={a.receipt_number} className="card my-item" data-testid="my-item" data-receipt={a.receipt_number}>
              <div className="my-head">
                <strong>{a.service_title}</strong>
                <StatusBadge status={a.correction ? 'correction' : a.status} />
              </div>
              <p>{t('chat.receipt')}: <span className="mono receipt-inline">{a.receipt_number}</span></p>
              <p className="muted">{formatDateTime(a.submitted_at, locale)}</p>
              {a.correction ? (
                <div className="alert alert-warn correction-box" data-testid="my-correction">
                  <p><strong>{t('res.correctionReason')}</strong>: {correctionText(a.correction)}</p>
                  <Link className="btn btn-primary" to={`/t/${encodeURIComponent(tenant)}/my/correction/${a.correction.id}`}
                    data-testid="my-correction-open" aria-label={`${a.service_title} ${t('res.correctionAnswer')}`}>{t('res.correctionAnswer')}</Link>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ))}
      <p><Link className="back-link" to={`/t/${encodeURIComponent(tenant)}`}>← {t('res.backToList')}</Link></p>
    </ResidentLayout>
  );
}
