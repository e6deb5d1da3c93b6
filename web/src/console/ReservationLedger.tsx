import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { FieldError, formLevel, invalidProps, useDateLabel } from './ReservationsFields';
import ReservationStats from './ReservationStats';
import {
  addDays, daysInMonth, jstToday, monthStart, weekStart, weekdayOf,
  type Booking, type Ledger, type LedgerDay, type Resource, type Slot,
} from './reservationsModel';

type View = 'day' | 'week' | 'month';
const VIEWS: View[] = ['day', 'week', 'month'];
function rangeOf(view: View, date: string): { from: string; days: number } {
  if (view === 'day') return { from: date, days: 1 };
  if (view === 'week') return { from: weekStart(date), days: 7 };
  return { from: monthStart(date), days: daysInMonth(date) };
}

/** 予約台帳: one resource's slots (booked / capacity) by day, week or month; bookings; phone bookings; cancellations. */
export default function ReservationLedger() {
  const { t } = useI18n();
  const dateLabel = useDateLabel();
  const [sp, setSp] = useSearchParams();
  const resources = useLoad(() => api.get<{ resources: Resource[] }>('/api/resources'), []);
  const list = resources.data?.resources ?? [];
  const resourceId = Number(sp.get('resource')) || list[0]?.id || 0;
  const view = (VIEWS as string[]).includes(sp.get('view') ?? '') ? (sp.get('view') as View) : 'day';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(sp.get('date') ?? '') ? sp.get('date')! : jstToday();
  const [slot, setSlot] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [changes, setChanges] = useState(0);  // bookings made or cancelled here: stats reload
  const { from, days } = rangeOf(view, date);
  const ledger = useLoad(
    () => (resourceId ? api.get<Ledger>(`/api/resources/${resourceId}/bookings?from=${from}&days=${days}`) : Promise.resolve(undefined)),
    [resourceId, from, days],
  );
  const go = (p: Record<string, string>) => {
    const next = new URLSearchParams(sp);
    for (const [k, v] of Object.entries(p)) next.set(k, v);
    setSp(next, { replace: true });
    setSlot(null);
  };
  const step = (dir: number) => {
    if (view === 'day') go({ date: addDays(date, dir) });
    else if (view === 'week') go({ date: addDays(weekStart(date), 7 * dir) });
    else go({ date: addDays(monthStart(date), dir > 0 ? daysInMonth(date) : -1).slice(0, 8) + '01' });
  };
  const data = ledger.data;
  const openSlot = (s: string) => { setSlot(s); setNotice(null); };

  return (
    <section data-testid="rsv-ledger">
      <h1>{t('rsv.ledgerTitle')}</h1>
      <ErrorMessage error={resources.error} />
      {resources.loading && !resources.data && <Loading />}
      {resources.data && list.length === 0 && <p data-testid="rsv-ledger-empty">{t('rsv.noResources')}</p>}
      {list.length > 0 && (
        <div className="card rsv-controls">
          <div className="form-grid">
            <div className="field">
              <label htmlFor="lg-resource">{t('rsv.resource')}</label>
              <select id="lg-resource" value={resourceId} onChange={(e) => go({ resource: e.target.value })} data-testid="lg-resource">
                {list.map((r) => <option key={r.id} value={r.id}>{r.name}{r.stopped ? `（${t('rsv.stopped')}）` : ''}</option>)}
              </select>
            </div>
            <div className="field">
              <label htmlFor="lg-date">{t('rsv.date')}</label>
              <input id="lg-date" type="date" value={date} onChange={(e) => e.target.value && go({ date: e.target.value })} data-testid="lg-date" />
            </div>
          </div>
          <fieldset className="rsv-views">
            <legend>{t('rsv.view')}</legend>
            {VIEWS.map((v) => (
              <label key={v} className="check"><input type="radio" name="lg-view" value={v} checked={view === v} onChange={() => go({ view: v })} data-testid={`lg-view-${v}`} /> {t(`rsv.view.${v}` as MessageKey)}</label>
            ))}
          </fieldset>
          <div className="btn-row">
            <button type="button" className="btn" onClick={() => step(-1)} data-testid="lg-prev">{t(`rsv.prev.${view}` as MessageKey)}</button>
            <button type="button" className="btn" onClick={() => go({ date: jstToday() })}>{t('rsv.today')}</button>
            <button type="button" className="btn" onClick={() => step(1)} data-testid="lg-next">{t(`rsv.next.${view}` as MessageKey)}</button>
          </div>
        </div>
      )}
      <Notice text={notice} testId="lg-notice" />
      <ErrorMessage error={ledger.error} />
      {ledger.loading && !data && resourceId > 0 && <Loading />}
      {data && (
        <div className="card" aria-busy={ledger.loading}>
          <h2 data-testid="lg-heading">{view === 'day' ? t('rsv.dayHeading', { name: data.resource.name, date: dateLabel(from) })
            : view === 'week' ? t('rsv.weekHeading', { name: data.resource.name, from: dateLabel(from), to: dateLabel(addDays(from, 6)) })
              : t('rsv.monthHeading', { name: data.resource.name, y: Number(from.slice(0, 4)), m: Number(from.slice(5, 7)) })}</h2>
          {data.resource.stopped && <p className="alert alert-warn">{t('rsv.stoppedNote')}</p>}
          {data.truncated && <p className="alert alert-warn">{t('rsv.truncated')}</p>}
          {view === 'day' && <DayView day={data.days[0]} bookings={data.bookings} onSlot={openSlot} selected={slot} />}
          {view === 'week' && <WeekView days={data.days} onSlot={openSlot} selected={slot} />}
          {view === 'month' && <MonthView days={data.days} onDay={(d) => go({ view: 'day', date: d })} />}
        </div>
      )}
      {data && slot && (
        <SlotPanel key={`${data.resource.id}-${slot}`} resource={data.resource} slot={slot}
          info={data.days.flatMap((d) => d.slots).find((s) => s.start === slot)}
          bookings={data.bookings.filter((b) => b.slot === slot)}
          onChanged={(msg) => { setNotice(msg); ledger.reload(); setChanges((n) => n + 1); }} onClose={() => setSlot(null)} />
      )}
      {resourceId > 0 && <ReservationStats key={resourceId} resourceId={resourceId} initialFrom={monthStart(date)} changes={changes} />}
    </section>
  );
}

function Fill({ s }: { s: Slot }) {
  const { t } = useI18n();
  const cls = s.remaining === 0 ? 'rsv-full' : s.booked > 0 ? 'rsv-some' : 'rsv-free';
  return <span className={`rsv-fill ${cls}`}>{t('rsv.fill', { booked: s.booked, capacity: s.capacity })}{s.remaining === 0 ? ` ${t('rsv.full')}` : ''}</span>;
}

function DayView({ day, bookings, onSlot, selected }: { day: LedgerDay; bookings: Booking[]; onSlot: (s: string) => void; selected: string | null }) {
  const { t } = useI18n();
  if (!day) return null;
  if (day.slots.length === 0) return <p data-testid="lg-closed">{day.closed ? t('rsv.closedBecause', { why: day.closed }) : t('rsv.noSlots')}</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('rsv.slots')}>
      <table className="table rsv-day-table" data-testid="lg-day">
        <thead><tr><th scope="col">{t('rsv.time')}</th><th scope="col">{t('rsv.bookedOfCapacity')}</th><th scope="col">{t('rsv.bookingsCol')}</th><th scope="col"><span className="sr-only">{t('staff.actions')}</span></th></tr></thead>
        <tbody>
          {day.slots.map((s) => {
            const here = bookings.filter((b) => b.slot === s.start && b.status === 'booked');
            const time = s.start.slice(11);
            return (
              <tr key={s.start} data-testid={`lg-slot-${time}`} aria-current={selected === s.start || undefined}>
                <th scope="row">{time}</th>
                <td><Fill s={s} /></td>
                <td>{here.length === 0 ? <span className="muted">{t('rsv.none')}</span>
                  : here.map((b) => <div key={b.id}>{bookingWho(b, t)} {t('rsv.people', { n: b.party })}</div>)}</td>
                <td><button type="button" className="btn btn-small" onClick={() => onSlot(s.start)} data-testid={`lg-open-${time}`}>{t('rsv.openSlot')}<span className="sr-only">: {time}</span></button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function bookingWho(b: Booking, t: (k: MessageKey, v?: Record<string, string | number>) => string): string {
  if (b.contact_name) return b.contact_name;
  return b.source === 'resident' ? t('rsv.residentN', { n: b.resident_id ?? '' }) : t('rsv.staffBooking');
}

function WeekView({ days, onSlot, selected }: { days: LedgerDay[]; onSlot: (s: string) => void; selected: string | null }) {
  const { t } = useI18n();
  const dateLabel = useDateLabel();
  const times = [...new Set(days.flatMap((d) => d.slots.map((s) => s.start.slice(11))))].sort();
  if (times.length === 0) return <p data-testid="lg-closed">{t('rsv.noSlotsWeek')}</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('rsv.slots')}>
      <table className="table rsv-week-table" data-testid="lg-week">
        <thead><tr><th scope="col">{t('rsv.time')}</th>{days.map((d) => <th scope="col" key={d.date}>{dateLabel(d.date)}</th>)}</tr></thead>
        <tbody>
          {times.map((time) => (
            <tr key={time}>
              <th scope="row">{time}</th>
              {days.map((d) => {
                const s = d.slots.find((x) => x.start.slice(11) === time);
                if (!s) return <td key={d.date} className="muted">{d.closed && time === times[0] ? d.closed : '—'}</td>;
                return (
                  <td key={d.date}>
                    <button type="button" className={`btn btn-small rsv-cell${selected === s.start ? ' rsv-selected' : ''}`} onClick={() => onSlot(s.start)}
                      aria-label={`${dateLabel(d.date)} ${time} ${t('rsv.fill', { booked: s.booked, capacity: s.capacity })}`} data-testid={`lg-cell-${s.start}`}>
                      <Fill s={s} />
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MonthView({ days, onDay }: { days: LedgerDay[]; onDay: (d: string) => void }) {
  const { t } = useI18n();
  const dateLabel = useDateLabel();
  if (days.length === 0) return null;
  // Rows of weeks from Monday; blanks before the 1st and after the last day.
  const lead = (weekdayOf(days[0].date) + 6) % 7;
  const cells: (LedgerDay | null)[] = [...Array(lead).fill(null), ...days];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const head: MessageKey[] = ['rsv.dow1', 'rsv.dow2', 'rsv.dow3', 'rsv.dow4', 'rsv.dow5', 'rsv.dow6', 'rsv.dow0'];
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('rsv.view.month')}>
      <table className="table rsv-month-table" data-testid="lg-month">
        <thead><tr>{head.map((k) => <th scope="col" key={k}>{t(k)}</th>)}</tr></thead>
        <tbody>
          {weeks.map((w, i) => (
            <tr key={i}>
              {w.map((d, j) => {
                if (!d) return <td key={j} />;
                const booked = d.slots.reduce((a, s) => a + s.booked, 0);
                const cap = d.slots.reduce((a, s) => a + s.capacity, 0);
                return (
                  <td key={d.date}>
                    <button type="button" className="btn btn-small rsv-cell" onClick={() => onDay(d.date)} data-testid={`lg-day-${d.date}`}
                      aria-label={`${dateLabel(d.date)} ${cap ? t('rsv.fill', { booked, capacity: cap }) : d.closed ?? t('rsv.noSlots')}`}>
                      <span aria-hidden="true"><strong>{Number(d.date.slice(8))}</strong><br />{cap ? `${booked}/${cap}` : t('rsv.closedShort')}</span>
                    </button>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One slot: its bookings with their details, a phone/counter booking, cancellation with a reason. */
function SlotPanel({ resource, slot, info, bookings, onChanged, onClose }: {
  resource: Resource; slot: string; info?: Slot; bookings: Booking[]; onChanged: (msg: string) => void; onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const dateLabel = useDateLabel();
  const heading = useRef<HTMLHeadingElement>(null);
  const [form, setForm] = useState({ contact_name: '', contact_phone: '', party: '1', note: '', exemption: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [detail, setDetail] = useState<number | null>(null);
  const [cancelling, setCancelling] = useState<number | null>(null);
  const [changing, setChanging] = useState<number | null>(null);
  useEffect(() => { heading.current?.focus(); }, []);
  const when = `${dateLabel(slot.slice(0, 10))} ${slot.slice(11)}`;

  const book = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!form.contact_name.trim()) { setError(new ApiError(400, { code: 'invalid', message: t('rsv.nameRequired'), field: 'contact_name' })); return; }
    setBusy(true);
    try {
      const party = /^\d+$/.test(form.party.trim()) ? Number(form.party.trim()) : form.party;
      await api.post(`/api/resources/${resource.id}/bookings`, { slot, party, note: form.note, contact_name: form.contact_name.trim(), contact_phone: form.contact_phone.trim(), exemption: form.exemption || undefined });
      setForm({ contact_name: '', contact_phone: '', party: '1', note: '', exemption: '' });
      onChanged(t('rsv.booked', { when, name: form.contact_name.trim() }));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <div className="card rsv-slot" data-testid="lg-slot-panel">
      <h2 ref={heading} tabIndex={-1}>{t('rsv.slotHeading', { when })}</h2>
      {info && <p><Fill s={info} /> {t('rsv.remaining', { n: info.remaining })}</p>}
      {bookings.length === 0 ? <p>{t('rsv.noBookings')}</p> : (
        <ul className="rsv-bookings" data-testid="lg-bookings">
          {bookings.map((b) => (
            <li key={b.id} data-testid={`lg-booking-${b.id}`}>
              <span className={b.status === 'cancelled' ? 'rsv-cancelled' : ''}>
                {t('rsv.bookingNo', { n: b.id })} {bookingWho(b, t)} {t('rsv.people', { n: b.party })}
                {b.status === 'cancelled' && <span className="badge badge-rejected">{t('rsv.cancelled')}</span>}
              </span>
              <div className="btn-row">
                <button type="button" className="btn btn-small" aria-expanded={detail === b.id} onClick={() => setDetail(detail === b.id ? null : b.id)} data-testid="lg-detail">{t('rsv.detail')}<span className="sr-only">: {t('rsv.bookingNo', { n: b.id })}</span></button>
                {b.status === 'booked' && changing !== b.id && (
                  <button type="button" className="btn btn-small" onClick={() => { setCancelling(null); setChanging(b.id); }} data-testid="lg-change">{t('ck.change')}<span className="sr-only">: {t('rsv.bookingNo', { n: b.id })}</span></button>
                )}
                {b.status === 'booked' && cancelling !== b.id && (
                  <button type="button" className="btn btn-small btn-danger" onClick={() => { setChanging(null); setCancelling(b.id); }} data-testid="lg-cancel">{t('rsv.cancel')}<span className="sr-only">: {t('rsv.bookingNo', { n: b.id })}</span></button>
                )}
              </div>
              {detail === b.id && (
                <dl className="rsv-detail" data-testid="lg-detail-list">
                  <dt>{t('rsv.bookingNoLabel')}</dt><dd>{b.id}</dd>
                  <dt>{t('rsv.when')}</dt><dd>{when}</dd>
                  <dt>{t('rsv.party')}</dt><dd>{t('rsv.people', { n: b.party })}</dd>
                  <dt>{t('rsv.source')}</dt><dd>{b.source === 'staff' ? t('rsv.sourceStaff') : t('rsv.sourceResident')}</dd>
                  {b.contact_name && <><dt>{t('rsv.contactName')}</dt><dd>{b.contact_name}</dd></>}
                  {b.contact_phone && <><dt>{t('rsv.contactPhone')}</dt><dd><a href={`tel:${b.contact_phone}`}>{b.contact_phone}</a></dd></>}
                  {b.note && <><dt>{t('rsv.note')}</dt><dd>{b.note}</dd></>}
                  {(b.fee ?? 0) > 0 || b.exemption_label ? <><dt>{t('rt.feeCol')}</dt><dd data-testid="lg-fee">{t('rt.feeValue', { yen: (b.fee ?? 0).toLocaleString('ja-JP') })}{b.exemption_label ? `（${b.exemption_label}）` : ''}</dd></> : null}
                  <dt>{t('rsv.status')}</dt><dd>{b.status === 'booked' ? t('rsv.statusBooked') : t('rsv.cancelled')}</dd>
                  {b.reason && <><dt>{t('rsv.reason')}</dt><dd>{b.reason}</dd></>}
                  {b.status === 'booked' && <><dt>{t('ck.attended')}</dt><dd data-testid="lg-attended">{b.checked_in_at ? formatDateTime(b.checked_in_at, locale) : t('ck.notAttended')}</dd></>}
                  <dt>{t('rsv.createdAt')}</dt><dd>{formatDateTime(b.created_at, locale)}</dd>
                  {b.updated_at !== b.created_at && <><dt>{t('rsv.updatedAt')}</dt><dd>{formatDateTime(b.updated_at, locale)}</dd></>}
                </dl>
              )}
              {changing === b.id && <ChangeForm booking={b} onDone={(msg) => { setChanging(null); if (msg) onChanged(msg); }} />}
              {cancelling === b.id && <CancelForm booking={b} when={when} onDone={(msg) => { setCancelling(null); if (msg) onChanged(msg); }} />}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={book} noValidate data-testid="lg-book-form">
        <h3>{t('rsv.phoneBooking')}</h3>
        <p className="hint">{t('rsv.phoneBookingHint')}</p>
        <ErrorMessage error={formLevel(error, ['contact_name', 'contact_phone', 'party', 'note', 'exemption'])} testId="lg-book-error" />
        <div className="form-grid">
          <div className="field"><label htmlFor="bk-name">{t('rsv.contactName')}<span aria-hidden="true"> *</span></label>
            <input id="bk-name" required autoComplete="off" value={form.contact_name} onChange={(e) => setForm({ ...form, contact_name: e.target.value })} {...invalidProps(error, 'contact_name', 'bk-name')} data-testid="bk-name" />
            <FieldError error={error} field="contact_name" id="bk-name" /></div>
          <div className="field"><label htmlFor="bk-phone">{t('rsv.contactPhone')}</label>
            <input id="bk-phone" type="tel" autoComplete="off" value={form.contact_phone} onChange={(e) => setForm({ ...form, contact_phone: e.target.value })} {...invalidProps(error, 'contact_phone', 'bk-phone')} data-testid="bk-phone" />
            <FieldError error={error} field="contact_phone" id="bk-phone" /></div>
          <div className="field"><label htmlFor="bk-party">{t('rsv.party')}</label>
            <input id="bk-party" inputMode="numeric" value={form.party} onChange={(e) => setForm({ ...form, party: e.target.value })} {...invalidProps(error, 'party', 'bk-party')} data-testid="bk-party" />
            <FieldError error={error} field="party" id="bk-party" /></div>
          {(resource.exemptions ?? []).length > 0 && (
            <div className="field"><label htmlFor="bk-exemption">{t('rt.exemptionPick')}</label>
              <select id="bk-exemption" value={form.exemption} onChange={(e) => setForm({ ...form, exemption: e.target.value })} {...invalidProps(error, 'exemption', 'bk-exemption')} data-testid="bk-exemption">
                <option value="">{t('rt.noExemption')}</option>
                {(resource.exemptions ?? []).map((x) => <option key={x.code} value={x.code}>{x.label}（{x.rate_percent}%）</option>)}
              </select>
              <FieldError error={error} field="exemption" id="bk-exemption" /></div>
          )}
        </div>
        <div className="field"><label htmlFor="bk-note">{t('rsv.note')}</label>
          <textarea id="bk-note" value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} {...invalidProps(error, 'note', 'bk-note')} data-testid="bk-note" />
          <FieldError error={error} field="note" id="bk-note" /></div>
        <div className="btn-row">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="bk-submit">{t('rsv.bookSubmit')}</button>
          <button type="button" className="btn" onClick={onClose}>{t('rsv.closeSlot')}</button>
        </div>
      </form>
    </div>
  );
}

function CancelForm({ booking, when, onDone }: { booking: Booking; when: string; onDone: (msg: string | null) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => { input.current?.focus(); }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    // An empty reason goes to the server too: its message is the one shown at the field.
    try {
      await api.post(`/api/bookings/${booking.id}/cancel`, { reason: reason.trim() });
      onDone(t('rsv.cancelDone', { n: booking.id, when }));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const id = `cx-${booking.id}`;
  return (
    <form onSubmit={submit} noValidate className="rsv-cancel-form" data-testid="lg-cancel-form">
      <ErrorMessage error={formLevel(error, ['reason'])} testId="lg-cancel-error" />
      <div className="field">
        <label htmlFor={id}>{t('rsv.cancelReason', { n: booking.id })}<span aria-hidden="true"> *</span></label>
        <textarea ref={input} id={id} required value={reason} onChange={(e) => setReason(e.target.value)} {...invalidProps(error, 'reason', id)} data-testid="lg-cancel-reason" />
        <FieldError error={error} field="reason" id={id} />
      </div>
      <div className="btn-row">
        <button type="submit" className="btn btn-danger" disabled={busy} data-testid="lg-cancel-submit">{t('rsv.cancelSubmit')}</button>
        <button type="button" className="btn" onClick={() => onDone(null)}>{t('rsv.cancelBack')}</button>
      </div>
    </form>
  );
}

/** Staff move a booking to another slot of its resource, with a reason (the resident is told). */
function ChangeForm({ booking, onDone }: { booking: Booking; onDone: (msg: string | null) => void }) {
  const { t } = useI18n();
  const [slot, setSlot] = useState(booking.slot);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => { input.current?.focus(); }, []);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const moved = await api.post<Booking>(`/api/bookings/${booking.id}/change`, { slot: slot.trim(), reason: reason.trim() });
      onDone(t('ck.changeDone', { n: booking.id, when: moved.slot.replace('T', ' ') }));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const id = `ch-${booking.id}`;
  return (
    <form onSubmit={submit} noValidate className="rsv-cancel-form" data-testid="lg-change-form">
      <ErrorMessage error={formLevel(error, ['slot', 'reason'])} testId="lg-change-error" />
      <div className="field">
        <label htmlFor={`${id}-slot`}>{t('ck.changeSlot')}</label>
        <input ref={input} id={`${id}-slot`} value={slot} onChange={(e) => setSlot(e.target.value)} {...invalidProps(error, 'slot', `${id}-slot`)} data-testid="lg-change-slot" />
        <FieldError error={error} field="slot" id={`${id}-slot`} />
      </div>
      <div className="field">
        <label htmlFor={id}>{t('ck.changeReason', { n: booking.id })}<span aria-hidden="true"> *</span></label>
        <textarea id={id} required value={reason} onChange={(e) => setReason(e.target.value)} {...invalidProps(error, 'reason', id)} data-testid="lg-change-reason" />
        <FieldError error={error} field="reason" id={id} />
      </div>
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="lg-change-submit">{t('ck.changeSubmit')}</button>
        <button type="button" className="btn" onClick={() => onDone(null)}>{t('rsv.cancelBack')}</button>
      </div>
    </form>
  );
}
