import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useLoad } from '../common';
import { LocaleSwitch, useI18n } from '../i18n-react';

export function useTenantInfo(tenant: string) {
  return useLoad(() => api.get<{ code: string; name: string }>(`/api/public/${encodeURIComponent(tenant)}/info`), [tenant]);
}

export default function ResidentLayout({ tenant, name, children, wide }: { tenant: string; name?: string; children: ReactNode; wide?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="resident">
      <a className="skip-link" href="#main">{t('app.skip')}</a>
      <header className="topbar resident-top">
        <Link to={`/t/${encodeURIComponent(tenant)}`} className="brand" data-testid="resident-home-link">{name || t('app.name')}</Link>
        <div className="topbar-right">
          <Link to={`/t/${encodeURIComponent(tenant)}/my`} className="btn btn-ghost" data-testid="my-link">{t('res.my')}</Link>
          <Link to={`/t/${encodeURIComponent(tenant)}/bookings`} className="btn btn-ghost" data-testid="bookings-link">{t('res.bookings')}</Link>
          <LocaleSwitch />
        </div>
      </header>
      <main id="main" className={wide ? 'resident-main wide' : 'resident-main'} tabIndex={-1}>{children}</main>
    </div>
  );
}
