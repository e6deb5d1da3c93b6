import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';

interface LinkRow { position: number; url: string; recipients: number; unique_clicks: number; total_clicks: number }
interface Report {
  tracked: boolean; links: LinkRow[];
  block_rate: { days: number; blocked: number; sent: number; rate: number } | null;
}

/** The delivery report after sending: clicks per tracked link and the block rate in the N days after. */
export default function CampaignReport({ id }: { id: number }) {
  const { t } = useI18n();
  const r = useLoad(() => api.get<Report>(`/api/campaigns/${id}/report`), [id]);
  if (r.loading && !r.data) return <Loading />;
  if (!r.data) return <ErrorMessage error={r.error} />;
  const d = r.data;
  return (
    <section className="card" aria-labelledby="campaign-report-h" data-testid="campaign-report">
      <h2 id="campaign-report-h">{t('rt.report')}</h2>
      {d.block_rate && (
        <p data-testid="campaign-block-rate">
          {t('rt.blockRate', { days: d.block_rate.days, blocked: d.block_rate.blocked, sent: d.block_rate.sent, rate: (d.block_rate.rate * 100).toFixed(1) })}
        </p>
      )}
      {!d.tracked ? <p className="muted">{t('rt.notTracked')}</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="campaign-clicks">
            <caption className="sr-only">{t('rt.clicks')}</caption>
            <thead><tr>
              <th scope="col">{t('rt.link')}</th><th scope="col">{t('rt.recipients')}</th>
              <th scope="col">{t('rt.unique')}</th><th scope="col">{t('rt.total')}</th>
            </tr></thead>
            <tbody>
              {d.links.map((l) => (
                <tr key={l.position} data-testid="campaign-click-row">
                  <td className="break">{l.url}</td><td>{l.recipients}</td><td>{l.unique_clicks}</td><td>{l.total_clicks}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
