import { useState, type FormEvent } from 'react';
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
  // While booked: the check-in code its QR code carries, the QR image, the smart-lock PIN
  // (when the resource issues one) and when the resident was checked in.
  checkin_code?: string;
  qr_svg?: string;
  pin?: { code: string; valid_from: string; valid_until: string };
  checked_in_at?: number | null;
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
  const [changing, setChanging] = useState<number | null>(null);

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
                {live && b.checked_in_at && <p><span className="badge badge-done" data-testid="booking-checked-in">{t('rb.checkedIn')}</span></p>}
                {live && b.qr_svg && b.checkin_code && (
                  <div className="booking-access" data-testid="booking-access">
                    <img src={b.qr_svg} width={160} height={160} alt={t('rb.qrAlt', { n: b.id })} data-testid="booking-qr" />
                    <p className="hint">{t('rb.qrHelp')}</p>
                    <dl>
                      <dt>{t('rb.code')}</dt><dd><code data-testid="booking-code">{b.checkin_code}</code></dd>
                      {b.pin && <><dt>{t('rb.pin')}</dt>
                        <dd><strong className="booking-pin" data-testid="booking-pin">{b.pin.code}</strong><br />
                          <span className="muted">{t('rb.pinValid', { from: b.pin.valid_from.replace('T', ' '), until: b.pin.valid_until.slice(11) })}</span></dd></>}
                    </dl>
                  </div>
                )}
                {live && b.qr_svg && !hasBegun(b.slot) && (changing === b.id
                  ? <ChangeSlot base={base} booking={b} onDone={(msg) => { setChanging(null); if (msg) { setDone(msg); list.reload(); } }} />
                  : <button type="button" className="btn" data-testid="booking-change" onClick={() => { setDone(''); setAsking(null); setChanging(b.id); }}>{t('ck.change')}<span className="sr-only">: {b.resource_name} {when}</span></button>)}
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
      <p><Link className="btn" to={`/t/${encodeURIComponent(tenant)}/lotteries`} data-testid="lotteries-link">{t('lot.residentTitle')}</Link></p>
      <p><Link className="back-link" to={`/t/${encodeURIComponent(tenant)}`}>← {t('res.backToList')}</Link></p>
    </ResidentLayout>
  );
}

// Another slot of the same resource for the booking: the day's bookable slots, then the change
// (POST …/bookings/{id}/change), which the server makes under the booking rules or refuses.
function ChangeSlot({ base, booking, onDone }: { base: string; booking: ResidentBooking; onDone: (msg: string | null) => void }) {
  const { t } = useI18n();
  const [date, setDate] = useState(booking.slot.slice(0, 10));
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const slots = useLoad(() => api.get<{ days: { slots: { start: string; bookable: boolean }[] }[] }>(
    `${base}/resources/${booking.resource_id}/availability?from=${date}&days=1`), [date]);
  const open = (slots.data?.days[0]?.slots ?? []).filter((s) => s.bookable && s.start !== booking.slot);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!choice) return;
    setBusy(true); setError(null);
    try {
      const moved = await api.post<{ slot: string }>(`${base}/bookings/${booking.id}/change`, { slot: choice });
      onDone(t('ck.changeDone', { n: booking.id, when: moved.slot.replace('T', ' ') }));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const id = `chg-${booking.id}`;
  return (
    <form onSubmit={submit} className="card" data-testid="booking-change-form">
      <ErrorMessage error={error} />
      <div className="field">
        <label htmlFor={`${id}-date`}>{t('rb.changeDate')}</label>
        <input id={`${id}-date`} type="date" value={date} onChange={(e) => { setDate(e.target.value); setChoice(''); }} data-testid="booking-change-date" />
      </div>
      <fieldset>
        <legend>{t('rb.changeSlot')}</legend>
        {slots.loading && !slots.data ? <Loading /> : open.length === 0 ? <p>{t('rb.changeNone')}</p> : (
          <div className="choices">
            {open.map((s) => (
              <label key={s.start} className="check">
                <input type="radio" name={id} value={s.start} checked={choice === s.start} onChange={() => setChoice(s.start)} data-testid="booking-change-slot" /> {s.start.slice(11)}
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <div className="choices">
        <button type="submit" className="btn btn-primary" disabled={busy || !choice} data-testid="booking-change-submit">{t('ck.changeSubmit')}</button>
        <button type="button" className="btn" onClick={() => onDone(null)}>{t('res.bookingCancelNo')}</button>
      </div>
    </form>
  );
}
