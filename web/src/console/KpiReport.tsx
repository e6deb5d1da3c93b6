import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';

interface FaqYear {
  asked: number; answered: number; resolved: number; unresolved: number; unanswered: number; handed_off: number;
  resolved_share: number | null;
}
interface Year { fiscal_year: number; deliveries: number; targeted: number; sent: number; failed: number; faq: FaqYear }

const DELIVERY: ('deliveries' | 'targeted' | 'sent' | 'failed')[] = ['deliveries', 'targeted', 'sent', 'failed'];
const FAQ: Exclude<keyof FaqYear, 'resolved_share' | 'unanswered'>[] = ['asked', 'answered', 'resolved', 'unresolved', 'handed_off'];

/**
 * The KPI report (issue 14): per fiscal year (年度, April–March JST), the deliveries and, next
 * to them, the FAQ figures (asked, answered, resolved, not resolved, handed off, resolved share).
 */
export default function KpiReport() {
  const { t } = useI18n();
  const report = useLoad(() => api.get<{ items: Year[] }>('/api/delivery-report/fiscal-years'), []);
  const items = report.data?.items;
  return (
    <section className="card" aria-labelledby="kpi-h" data-testid="kpi-report">
      <h1 id="kpi-h">{t('kpi.title')}</h1>
      <p className="muted">{t('kpi.intro')}</p>
      <ErrorMessage error={report.error} />
      {report.loading && !items && <Loading />}
      {items && items.length === 0 && <p data-testid="kpi-empty">{t('kpi.empty')}</p>}
      {items && items.length > 0 && (
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('kpi.caption')}>
          <table className="table" data-testid="kpi-table">
            <caption>{t('kpi.caption')}</caption>
            <thead>
              <tr>
                <td />
                <th scope="colgroup" colSpan={DELIVERY.length}>{t('kpi.delivery')}</th>
                <th scope="colgroup" colSpan={FAQ.length + 1}>{t('kpi.faq')}</th>
              </tr>
              <tr>
                <th scope="col">{t('kpi.year')}</th>
                {DELIVERY.map((c) => <th key={c} scope="col">{t(`kpi.${c}` as MessageKey)}</th>)}
                {FAQ.map((c) => <th key={c} scope="col">{t(`kpi.faq_${c}` as MessageKey)}</th>)}
                <th scope="col">{t('kpi.faq_share')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((y) => (
                <tr key={y.fiscal_year} data-testid={`kpi-year-${y.fiscal_year}`}>
                  <th scope="row">{t('kpi.fy', { year: y.fiscal_year })}</th>
                  {DELIVERY.map((c) => <td key={c}>{y[c]}</td>)}
                  {FAQ.map((c) => <td key={c} data-testid={`kpi-faq-${c}`}>{y.faq[c]}</td>)}
                  <td data-testid="kpi-faq-share">{y.faq.resolved_share == null ? '–' : `${Math.round(y.faq.resolved_share * 100)}%`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
