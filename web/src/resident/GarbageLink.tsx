import { Link } from 'react-router-dom';
import { api } from '../api';
import { useLoad } from '../common';
import { useI18n } from '../i18n-react';

/** A link to the garbage days, shown only when the town has registered its calendar. */
export default function GarbageLink({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const cal = useLoad(() => api.get<{ areas: unknown[] }>(`/api/public/${encodeURIComponent(tenant)}/garbage`).catch(() => null), [tenant]);
  if (!cal.data) return null;
  return (
    <p>
      <Link className="svc-card" to={`/t/${encodeURIComponent(tenant)}/garbage`} data-testid="garbage-link">
        <span className="svc-title">{t('gbr.title')}</span>
        <span className="svc-desc">{t('gbr.linkDesc')}</span>
        <span className="svc-go" aria-hidden="true">›</span>
      </Link>
    </p>
  );
}
