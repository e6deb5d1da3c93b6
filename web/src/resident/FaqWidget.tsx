import { useParams } from 'react-router-dom';
import { usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import { useTenantInfo } from './ResidentLayout';
import { FaqConversation } from './FaqChat';

/**
 * The FAQ chat inside a municipal web site's iframe (public/widget.js opens it). Our origin
 * only: it needs no cookie of the host site, and only this page may be framed (server CSP).
 */
export default function FaqWidget() {
  const { tenant = '' } = useParams();
  const { t } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('faqw.title'), info.data?.name);
  return (
    <main className="faq-widget">
      <h1 data-testid="faq-title">{info.data?.name ? `${info.data.name} ${t('faq.title')}` : t('faq.title')}</h1>
      <FaqConversation tenant={tenant} allowHandoff={false} />
    </main>
  );
}
