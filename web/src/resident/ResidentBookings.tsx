import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../common';
import { formatIsoDateLong } from '../format';
import { useI18n } from '../i18n-react';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';
import { hasBegun } from './bookings';

// One of the resident's bookings as GET /api/public/{tenant}/bookings lists it.
export interface ResidentBooking {
  id: number;
  resource_id: number;
  resource_name: string;
  slot: string; // "2026-12-05T09:00", JST
  party: number;
  fee?: number;             // yen as charged (issue 12 fees)
  exemption_label?: string;
  status: 'booked' | 'cancelled' | string;
}

// 予約の確認・取消: the bookings made from this device (chat or the public booking API), each
// cancellable until its slot begins.
export default function ResidentBookings() {
  const { tenant = '' } = useParams();
  const { t, locale } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('res.bookings'), info.data?.name);
  const base = `/api/public/${encodeURIComponent(tenant)}`;
  const list = useLoad(() => api.get<{ bookings: ResidentBooking[] }>(`${base}/bookings`), [tenant]);
  const [asking, setAsking] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');

  const cancel = async (b: ResidentBooking) => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`${base}/resources/${b.resource_id}/bookings/${b.id}/cancel`, {});
      setDone(t('res.bookingCancelDone'));
      setAsking(null);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const items = list.data?.bookings ?? [];
  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1>{t('res.bookings')}</h1>
      <p className="lead">{t('res.bookingsLead')}</p>
      {done && <p className="alert alert-ok" role="status" data-testid="booking-done">{done}</p>}
      <ErrorMessage error={error} />
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (items.length === 0 ? <p data-testid="bookings-empty">{t('res.bookingsEmpty')}</p> : (
        <ul className="my-list" data-testid="bookings">
          {items.map((b) => {
            const when = `${formatIsoDateLong(b.slot.slice(0, 10), locale)} ${b.slot.slice(11)}`;
            const live = b.status === 'booked';
            return (
              <li key={b.id} className="card my-item" data-testid="booking" data-status={b.status}>
                <div className="my-head">
                  <strong>{b.resource_name}</strong>
                  <span className={`badge ${live ? 'badge-done' : 'badge-withdrawn'}`}>{live ? t('res.bookingBooked') : t('res.bookingCancelled')}</span>
                </div>
                <p data-testid="booking-when">{when}</p>
                <p className="muted">{t('res.bookingParty', { n: b.party })}</p>
                {((b.fee ?? 0) > 0 || b.exemption_label) && <p className="muted" data-testid="booking-fee">{t('rt.feeCol')}: {t('rt.feeValue', { yen: (b.fee ?? 0).toLocaleString('ja-JP') })}{b.exemption_label ? `（${b.exemption_label}）` : ''}</p>}
                {live && !hasBegun(b.slot) && (asking === b.id ? (
                  <div className="alert alert-warn" role="group" aria-label={t('res.bookingCancelAsk')}>
                    <p>{t('res.bookingCancelAsk')}</p>
                    <div className="choices">
                      <button type="button" className="btn btn-danger" disabled={busy} data-testid="booking-cancel-yes" onClick={() => void cancel(b)}>{t('res.bookingCancelYes')}</button>
                      <button type="button" className="btn" disabled={busy} data-testid="booking-cancel-no" onClick={() => setAsking(null)}>{t('res.bookingCancelNo')}</button>
                    </div>
                  </div>
                ) : (
                  <button type="button" className="btn" data-testid="booking-cancel" aria-label={`${b.resource_name} ${when} ${t('res.bookingCancel')}`}
                    onClick={() => { setDone(''); setAsking(b.id); }}>{t('res.bookingCancel')}</button>
                ))}
              </li>
            );
          })}
        </ul>
      ))}
      <p><Link className="back-link" to={`/t/${encodeURIComponent(tenant)}`}>← {t('res.backToList')}</Link></p>
    </ResidentLayout>
  );
}
