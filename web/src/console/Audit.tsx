import { useState } from 'react';
import { api, qs, type AuditRow } from '../api';
import { ErrorMessage, Loading, statusKey, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { auditAction, auditDetail, auditObject } from './describe';

const LIMIT = 100;

export default function Audit() {
  const { t, locale } = useI18n();
  const first = useLoad(() => api.get<{ items: AuditRow[] }>(`/api/audit${qs({ limit: LIMIT })}`), []);
  const [more, setMore] = useState<AuditRow[]>([]);
  const [moreErr, setMoreErr] = useState<unknown>(null);
  const [end, setEnd] = useState(false);
  const rows = [...(first.data?.items ?? []), ...more];
  const statusLabel = (s: string) => { const k = statusKey(s); return k ? t(k) : s; };
  const roleLabel = (r: string) => t(`role.${r}` as MessageKey);

  const loadMore = async () => {
    const last = rows[rows.length - 1];
    if (!last) return;
    try {
      const r = await api.get<{ items: AuditRow[] }>(`/api/audit${qs({ limit: LIMIT, before_id: last.id })}`);
      setMore([...more, ...r.items]);
      if (r.items.length < LIMIT) setEnd(true);
    } catch (e) { setMoreErr(e); }
  };

  if (first.loading && !first.data) return <Loading />;
  return (
    <section data-testid="audit">
      <h1>{t('audit.title')}</h1>
      <ErrorMessage error={first.error} />
      {first.data && (rows.length === 0 ? <p>{t('audit.empty')}</p> : (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="audit-table">
            <thead><tr>
              <th scope="col">{t('audit.at')}</th><th scope="col">{t('audit.staff')}</th><th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.object')}</th><th scope="col">{t('audit.ip')}</th><th scope="col">{t('audit.detail')}</th>
            </tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className="nowrap">{formatDateTime(r.at, locale)}</td>
                  <td>{r.staff_email}</td>
                  <td data-testid="audit-action" title={r.action}>{auditAction(r.action, t)}</td>
                  <td>{auditObject(r.object_type, r.object_id, t)}</td>
                  <td className="mono">{r.ip}</td>
                  <td className="detail-cell">{auditDetail(r.detail, t, statusLabel, roleLabel)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
      <ErrorMessage error={moreErr} />
      {first.data && !end && (first.data.items.length >= LIMIT) && <button type="button" className="btn" onClick={loadMore}>{t('common.more')}</button>}
    </section>
  );
}
