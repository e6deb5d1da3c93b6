import { Link, useParams } from 'react-router-dom';
import { ApiError, api, type PublicService } from '../api';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import { UnreadMessagesLink } from './Messages';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';
import { feeSummary } from './fees';
import { groupByCategory } from './group';
import GarbageLink from './GarbageLink';
import { SettingsLink } from './ReceivingSettings';

export default function ResidentHome() {
  const { tenant = '' } = useParams();
  const { t, locale } = useI18n();
  const info = useTenantInfo(tenant);
  const svcs = useLoad(() => api.get<{ items: PublicService[] }>(`/api/public/${encodeURIComponent(tenant)}/services`), [tenant]);
  usePageTitle(t('title.home'), info.data?.name);
  const notFound = info.error instanceof ApiError && info.error.status === 404;

  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      {notFound ? <p className="alert alert-error" role="alert">{t('res.tenantNotFound')}</p> : (
        <>
          <h1 data-testid="resident-title">{t('res.services')}</h1>
          <p className="lead">{t('res.servicesLead')}</p>
          <UnreadMessagesLink tenant={tenant} />
          <GarbageLink tenant={tenant} />
          <SettingsLink tenant={tenant} />
          <p>
            <Link className="svc-card" to={`/t/${encodeURIComponent(tenant)}/faq`} data-testid="faq-link">
              <span className="svc-title">{t('faq.title')}</span>
              <span className="svc-desc">{t('faq.linkDesc')}</span>
              <span className="svc-go" aria-hidden="true">›</span>
            </Link>
          </p>
          {svcs.loading && !svcs.data ? <Loading /> : <ErrorMessage error={svcs.error} />}
          {svcs.data && (svcs.data.items.length === 0 ? <p>{t('res.noServices')}</p> : (
            groupByCategory(svcs.data.items, t('res.other')).map((g) => (
              <section key={g.category} className="svc-group" aria-labelledby={`cat-${g.category}`}>
                <h2 id={`cat-${g.category}`}>{g.category}</h2>
                <ul className="svc-list">
                  {g.items.map((s) => (
                    <li key={s.id}>
                      <Link className="svc-card" to={`/t/${encodeURIComponent(tenant)}/chat/${s.id}`} data-testid="service-link" data-service-key={s.service_key}>
                        <span className="svc-title">{s.title}</span>
                        {s.description && <span className="svc-desc">{s.description}</span>}
                        <span className="svc-meta">
                          {s.department && <span>{s.department}</span>}
                          <span data-testid="service-fee">{feeSummary(s, locale)}</span>
                        </span>
                        <span className="svc-go" aria-hidden="true">›</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </section>
            ))
          ))}
        </>
      )}
    </ResidentLayout>
  );
}
