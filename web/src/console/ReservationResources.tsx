import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, api, request } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { useConfirm } from './ConfirmDialog';
import { FieldError, formLevel, invalidProps } from './ReservationsFields';
import ResourceTerms, { TERMS_FIELDS, termsBody, termsToForm } from './ResourceTerms';
import { atLeast, useSession } from './session';
import {
  WEEKDAYS, categoryPaths, hoursFromForm, hoursToForm, rangeProblem,
  type Category, type Range, type Resource, type Weekday,
} from './reservationsModel';

/** 施設・窓口: the categories (three levels) and the resources with their calendars. */
export default function ReservationResources() {
  const { t } = useI18n();
  const session = useSession();
  const canEdit = atLeast(session.user.role, 'editor');
  const cats = useLoad(() => api.get<{ categories: Category[] }>('/api/resource-categories'), []);
  const res = useLoad(() => api.get<{ resources: Resource[] }>('/api/resources'), []);
  const [editing, setEditing] = useState<Resource | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const paths = categoryPaths(cats.data?.categories ?? []);
  const pathOf = (id: number | null) => paths.find((p) => p.id === id)?.path ?? t('rsv.noCategory');

  return (
    <section data-testid="rsv-resources">
      <h1>{t('rsv.resourcesTitle')}</h1>
      <p className="muted">{t('rsv.resourcesIntro')}</p>
      <Notice text={notice} />
      <ErrorMessage error={cats.error || res.error} />
      {(cats.loading && !cats.data) || (res.loading && !res.data) ? <Loading /> : null}
      {res.data && (
        <div className="card">
          <h2>{t('rsv.resourceList')}</h2>
          {res.data.resources.length === 0 ? <p data-testid="rsv-no-resources">{t('rsv.noResources')}</p> : (
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('rsv.resourceList')}>
              <table className="table" data-testid="rsv-resource-table">
                <thead><tr>
                  <th scope="col">{t('rsv.name')}</th><th scope="col">{t('rsv.category')}</th>
                  <th scope="col">{t('rsv.capacity')}</th><th scope="col">{t('rsv.slotMinutes')}</th>
                  <th scope="col">{t('rsv.state')}</th><th scope="col">{t('staff.actions')}</th>
                </tr></thead>
                <tbody>
                  {res.data.resources.map((r) => (
                    <tr key={r.id} data-testid={`rsv-resource-${r.id}`}>
                      <th scope="row">{r.name}</th>
                      <td>{pathOf(r.category_id)}</td>
                      <td>{t('rsv.people', { n: r.capacity })}</td>
                      <td>{t('rsv.minutes', { n: r.slot_minutes })}</td>
                      <td>{r.stopped ? <span className="badge badge-rejected">{t('rsv.stopped')}</span> : t('rsv.open')}</td>
                      <td className="btn-row">
                        <Link className="btn btn-small" to={`/console/reservations?resource=${r.id}`}>{t('rsv.openLedger')}<span className="sr-only">: {r.name}</span></Link>
                        {canEdit && <button type="button" className="btn btn-small" onClick={() => { setEditing(r); setNotice(null); }} data-testid="rsv-edit">{t('staff.edit')}<span className="sr-only">: {r.name}</span></button>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {canEdit && editing === null && (
            <button type="button" className="btn btn-primary" onClick={() => { setEditing('new'); setNotice(null); }} data-testid="rsv-new">{t('rsv.newResource')}</button>
          )}
        </div>
      )}
      {canEdit && editing !== null && cats.data && (
        <ResourceForm key={editing === 'new' ? 'new' : editing.id} resource={editing === 'new' ? null : editing}
          categories={cats.data.categories}
          onDone={(msg) => { setEditing(null); setNotice(msg); if (msg) res.reload(); }} />
      )}
      {cats.data && <Categories categories={cats.data.categories} canEdit={canEdit} reload={cats.reload} />}
    </section>
  );
}

const DAY_KEY: Record<Weekday, MessageKey> = {
  mon: 'rsv.mon', tue: 'rsv.tue', wed: 'rsv.wed', thu: 'rsv.thu', fri: 'rsv.fri', sat: 'rsv.sat', sun: 'rsv.sun',
};

interface SpecialRow { date: string; closed: boolean; from: string; to: string; note: string }

function ResourceForm({ resource, categories, onDone }: { resource: Resource | null; categories: Category[]; onDone: (msg: string | null) => void }) {
  const { t } = useI18n();
  const [confirmUi, ask] = useConfirm();
  const [form, setForm] = useState({
    name: resource?.name ?? '',
    description: resource?.description ?? '',
    category_id: resource?.category_id ? String(resource.category_id) : '',
    capacity: String(resource?.capacity ?? 1),
    slot_minutes: String(resource?.slot_minutes ?? 30),
    window_days: String(resource?.window_days ?? 90),
    daily_limit: String(resource?.daily_limit ?? 1),
    closed_on_holidays: resource?.closed_on_holidays ?? true,
    stopped: resource?.stopped ?? false,
    pin_enabled: resource?.pin_enabled ?? false,
    reminder_days: String(resource?.reminder?.days_before ?? 1),
    reminder_time: resource?.reminder?.time ?? '18:00',
  });
  const [hours, setHours] = useState<Record<Weekday, Range[]>>(() =>
    resource ? hoursToForm(resource.opening_hours)
      : hoursToForm({ mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] }));
  const [special, setSpecial] = useState<SpecialRow[]>(() => (resource?.special_days ?? []).map((s) => ({
    date: s.date, closed: s.closed, from: s.hours[0]?.[0] ?? '09:00', to: s.hours[0]?.[1] ?? '12:00', note: s.note,
  })));
  const [terms, setTerms] = useState(() => termsToForm(resource));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const paths = categoryPaths(categories);
  const num = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s);
  const set = (k: keyof typeof form, v: string | boolean) => setForm({ ...form, [k]: v });
  const setDay = (d: Weekday, ranges: Range[]) => setHours({ ...hours, [d]: ranges });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    // The server names no weekday in its message; say which day is wrong before sending.
    for (const d of WEEKDAYS) {
      const p = rangeProblem(hours[d]);
      if (p) {
        setError(new ApiError(400, { code: 'invalid', field: 'opening_hours', message: t(`rsv.hours.${p}` as MessageKey, { day: t(DAY_KEY[d]) }) }));
        return;
      }
    }
    setBusy(true);
    const body = {
      name: form.name.trim(), description: form.description,
      category_id: form.category_id ? Number(form.category_id) : null,
      // Sent as typed when not a whole number, so the server's message names the field.
      capacity: num(form.capacity), slot_minutes: num(form.slot_minutes),
      window_days: num(form.window_days), daily_limit: num(form.daily_limit),
      closed_on_holidays: form.closed_on_holidays, stopped: form.stopped,
      pin_enabled: form.pin_enabled,
      reminder: { days_before: /^-?\d+$/.test(form.reminder_days.trim()) ? Number(form.reminder_days.trim()) : form.reminder_days, time: form.reminder_time },
      opening_hours: hoursFromForm(hours),
      special_days: special.map((s) => ({ date: s.date, closed: s.closed, hours: s.closed ? [] : [[s.from, s.to]], note: s.note })),
      ...termsBody(terms),
    };
    try {
      if (resource) await api.put(`/api/resources/${resource.id}`, body);
      else await api.post('/api/resources', body);
      onDone(t(resource ? 'rsv.saved' : 'rsv.created', { name: body.name }));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const remove = async () => {
    if (!resource) return;
    const ok = await ask({ title: t('rsv.deleteTitle', { name: resource.name }), body: t('rsv.deleteBody'), confirmLabel: t('rsv.delete'), cancelLabel: t('common.cancel') });
    if (!ok) return;
    setBusy(true); setError(null);
    try { await request('DELETE', `/api/resources/${resource.id}`); onDone(t('rsv.deleted', { name: resource.name })); } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const FIELDS = ['name', 'description', 'category_id', 'capacity', 'slot_minutes', 'window_days', 'daily_limit', 'opening_hours', 'special_days', 'closed_on_holidays', 'stopped', 'reminder', 'pin_enabled',
    ...TERMS_FIELDS, ...terms.exemptions.flatMap((_, i) => ['code', 'label', 'rate_percent'].map((k) => `exemptions/${i}/${k}`))];
  const text = (k: 'name' | 'capacity' | 'slot_minutes' | 'window_days' | 'daily_limit', label: MessageKey, hint?: MessageKey, type = 'text') => (
    <div className="field">
      <label htmlFor={`rf-${k}`}>{t(label)}</label>
      <input id={`rf-${k}`} type={type} inputMode={type === 'text' && k !== 'name' ? 'numeric' : undefined} value={form[k]}
        onChange={(e) => set(k, e.target.value)} {...invalidProps(error, k, `rf-${k}`)}
        aria-describedby={[hint ? `rf-${k}-hint` : '', invalidProps(error, k, `rf-${k}`)['aria-describedby'] ?? ''].filter(Boolean).join(' ') || undefined}
        data-testid={`rf-${k}`} />
      {hint && <small id={`rf-${k}-hint`} className="hint">{t(hint)}</small>}
      <FieldError error={error} field={k} id={`rf-${k}`} />
    </div>
  );

  return (
    <form className="card" onSubmit={submit} data-testid="rsv-form" noValidate>
      {confirmUi}
      <h2>{resource ? t('rsv.editTitle', { name: resource.name }) : t('rsv.newResource')}</h2>
      <ErrorMessage error={formLevel(error, FIELDS)} testId="rsv-form-error" />
      <div className="form-grid">
        {text('name', 'rsv.name')}
        <div className="field">
          <label htmlFor="rf-category_id">{t('rsv.category')}</label>
          <select id="rf-category_id" value={form.category_id} onChange={(e) => set('category_id', e.target.value)} {...invalidProps(error, 'category_id', 'rf-category_id')} data-testid="rf-category">
            <option value="">{t('rsv.noCategory')}</option>
            {paths.map((p) => <option key={p.id} value={p.id}>{p.path}</option>)}
          </select>
          <FieldError error={error} field="category_id" id="rf-category_id" />
        </div>
        {text('capacity', 'rsv.capacityLabel', 'rsv.capacityHint')}
        {text('slot_minutes', 'rsv.slotLabel', 'rsv.slotHint')}
        {text('window_days', 'rsv.windowLabel', 'rsv.windowHint')}
        {text('daily_limit', 'rsv.dailyLabel', 'rsv.dailyHint')}
      </div>
      <div className="field">
        <label htmlFor="rf-description">{t('rsv.description')}</label>
        <textarea id="rf-description" value={form.description} onChange={(e) => set('description', e.target.value)} {...invalidProps(error, 'description', 'rf-description')} />
        <FieldError error={error} field="description" id="rf-description" />
      </div>

      <fieldset className="rsv-hours" aria-describedby="rf-hours-hint" data-testid="rf-hours">
        <legend>{t('rsv.hours')}</legend>
        <small id="rf-hours-hint" className="hint">{t('rsv.hoursHint')}</small>
        {WEEKDAYS.map((d) => (
          <div key={d} className="rsv-day" role="group" aria-label={t(DAY_KEY[d])} data-testid={`rf-day-${d}`}>
            <span className="rsv-day-name" aria-hidden="true">{t(DAY_KEY[d])}</span>
            {hours[d].length === 0 && <span className="muted">{t('rsv.closedDay')}</span>}
            {hours[d].map((r, i) => (
              <span key={i} className="rsv-range">
                <label className="sr-only" htmlFor={`rf-${d}-${i}-from`}>{t('rsv.rangeFrom', { day: t(DAY_KEY[d]), n: i + 1 })}</label>
                <input id={`rf-${d}-${i}-from`} type="time" step={300} value={r.from} onChange={(e) => setDay(d, hours[d].map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))} />
                <span aria-hidden="true">〜</span>
                <label className="sr-only" htmlFor={`rf-${d}-${i}-to`}>{t('rsv.rangeTo', { day: t(DAY_KEY[d]), n: i + 1 })}</label>
                <input id={`rf-${d}-${i}-to`} type="time" step={300} value={r.to} onChange={(e) => setDay(d, hours[d].map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))} />
                <button type="button" className="btn btn-small" onClick={() => setDay(d, hours[d].filter((_, j) => j !== i))}>{t('rsv.removeRange')}<span className="sr-only">: {t(DAY_KEY[d])} {r.from}〜{r.to}</span></button>
              </span>
            ))}
            {hours[d].length < 8 && (
              <button type="button" className="btn btn-small" data-testid={`rf-add-${d}`}
                onClick={() => setDay(d, [...hours[d], hours[d].length ? { from: '13:00', to: '17:00' } : { from: '09:00', to: '17:00' }])}>
                {t('rsv.addRange')}<span className="sr-only">: {t(DAY_KEY[d])}</span>
              </button>
            )}
          </div>
        ))}
        <FieldError error={error} field="opening_hours" id="rf-hours" />
      </fieldset>

      <div className="field">
        <label className="check"><input type="checkbox" checked={form.closed_on_holidays} onChange={(e) => set('closed_on_holidays', e.target.checked)} data-testid="rf-holidays" /> {t('rsv.closedOnHolidays')}</label>
      </div>

      <fieldset className="rsv-special-set" data-testid="rf-special">
        <legend>{t('rsv.special')}</legend>
        <small className="hint">{t('rsv.specialHint')}</small>
        {special.map((s, i) => {
          const upd = (p: Partial<SpecialRow>) => setSpecial(special.map((x, j) => (j === i ? { ...x, ...p } : x)));
          return (
            <div key={i} className="rsv-special" role="group" aria-label={t('rsv.specialN', { n: i + 1 })}>
              <div className="field"><label htmlFor={`sp-${i}-date`}>{t('rsv.date')}</label>
                <input id={`sp-${i}-date`} type="date" value={s.date} onChange={(e) => upd({ date: e.target.value })} data-testid={`sp-${i}-date`} /></div>
              <div className="field"><label htmlFor={`sp-${i}-kind`}>{t('rsv.specialKind')}</label>
                <select id={`sp-${i}-kind`} value={s.closed ? 'closed' : 'hours'} onChange={(e) => upd({ closed: e.target.value === 'closed' })}>
                  <option value="closed">{t('rsv.specialClosed')}</option>
                  <option value="hours">{t('rsv.specialHours')}</option>
                </select></div>
              {!s.closed && (
                <>
                  <div className="field"><label htmlFor={`sp-${i}-from`}>{t('rsv.from')}</label><input id={`sp-${i}-from`} type="time" step={300} value={s.from} onChange={(e) => upd({ from: e.target.value })} /></div>
                  <div className="field"><label htmlFor={`sp-${i}-to`}>{t('rsv.to')}</label><input id={`sp-${i}-to`} type="time" step={300} value={s.to} onChange={(e) => upd({ to: e.target.value })} /></div>
                </>
              )}
              <div className="field"><label htmlFor={`sp-${i}-note`}>{t('rsv.specialNote')}</label><input id={`sp-${i}-note`} value={s.note} onChange={(e) => upd({ note: e.target.value })} /></div>
              <button type="button" className="btn btn-small" onClick={() => setSpecial(special.filter((_, j) => j !== i))}>{t('rsv.removeSpecial')}<span className="sr-only">: {s.date}</span></button>
            </div>
          );
        })}
        <button type="button" className="btn btn-small" onClick={() => setSpecial([...special, { date: '', closed: true, from: '09:00', to: '12:00', note: '' }])} data-testid="rf-add-special">{t('rsv.addSpecial')}</button>
        <FieldError error={error} field="special_days" id="rf-special" />
      </fieldset>

      <ResourceTerms value={terms} onChange={setTerms} error={error} />

      <div className="field">
        <label className="check"><input type="checkbox" checked={form.pin_enabled} onChange={(e) => set('pin_enabled', e.target.checked)} data-testid="rf-pin" /> {t('ck.pinEnabled')}</label>
      </div>
      <div className="form-grid">
        <div className="field"><label htmlFor="rf-reminder-days">{t('ck.reminderDays')}</label>
          <input id="rf-reminder-days" inputMode="numeric" value={form.reminder_days} onChange={(e) => set('reminder_days', e.target.value)} {...invalidProps(error, 'reminder', 'rf-reminder-days')} data-testid="rf-reminder-days" />
          <FieldError error={error} field="reminder" id="rf-reminder-days" /></div>
        <div className="field"><label htmlFor="rf-reminder-time">{t('ck.reminderTime')}</label>
          <input id="rf-reminder-time" type="time" value={form.reminder_time} onChange={(e) => set('reminder_time', e.target.value)} data-testid="rf-reminder-time" /></div>
      </div>
      <div className="field">
        <label className="check"><input type="checkbox" checked={form.stopped} aria-describedby="rf-stopped-hint" onChange={(e) => set('stopped', e.target.checked)} data-testid="rf-stopped" /> {t('rsv.stopSwitch')}</label>
        <small id="rf-stopped-hint" className="hint">{t('rsv.stopHint')}</small>
      </div>
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="rf-save">{resource ? t('common.save') : t('rsv.create')}</button>
        <button type="button" className="btn" onClick={() => onDone(null)}>{t('common.cancel')}</button>
        {resource && <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void remove()}>{t('rsv.delete')}</button>}
      </div>
    </form>
  );
}

/** The categories as a tree (three levels at most): add, rename, move, delete. */
function Categories({ categories, canEdit, reload }: { categories: Category[]; canEdit: boolean; reload: () => void }) {
  const { t } = useI18n();
  const [confirmUi, ask] = useConfirm();
  const [name, setName] = useState('');
  const [parent, setParent] = useState('');
  const [edit, setEdit] = useState<{ id: number; name: string; parent: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const paths = categoryPaths(categories);
  const run = async (f: () => Promise<unknown>, msg: string) => {
    setError(null); setNotice(null);
    try { await f(); setNotice(msg); reload(); return true; } catch (err) { setError(err); return false; }
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await run(() => api.post('/api/resource-categories', { name: name.trim(), parent_id: parent ? Number(parent) : null }), t('rsv.catCreated', { name: name.trim() }))) setName('');
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!edit) return;
    if (await run(() => api.put(`/api/resource-categories/${edit.id}`, { name: edit.name.trim(), parent_id: edit.parent ? Number(edit.parent) : null }), t('rsv.catSaved', { name: edit.name.trim() }))) setEdit(null);
  };
  const remove = async (c: Category) => {
    if (!(await ask({ title: t('rsv.catDeleteTitle', { name: c.name }), body: t('rsv.catDeleteBody'), confirmLabel: t('rsv.delete'), cancelLabel: t('common.cancel') }))) return;
    await run(() => request('DELETE', `/api/resource-categories/${c.id}`), t('rsv.catDeleted', { name: c.name }));
  };
  // A new category may go under a first or second level one (three levels at most).
  const parents = paths.filter((p) => p.depth < 3);
  return (
    <div className="card" data-testid="rsv-categories">
      {confirmUi}
      <h2>{t('rsv.categories')}</h2>
      <p className="muted">{t('rsv.categoriesIntro')}</p>
      <Notice text={notice} testId="rsv-cat-notice" />
      <ErrorMessage error={formLevel(error, ['name', 'parent_id'])} testId="rsv-cat-error" />
      {paths.length === 0 ? <p>{t('rsv.noCategories')}</p> : (
        <ul className="rsv-cat-list">
          {paths.map((p) => {
            const c = categories.find((x) => x.id === p.id)!;
            return (
              <li key={p.id} style={{ marginInlineStart: `${(p.depth - 1) * 1.25}rem` }} data-testid={`rsv-cat-${p.id}`}>
                {edit?.id === p.id ? (
                  <form onSubmit={save} className="rsv-inline-form">
                    <div className="field"><label htmlFor={`ce-${p.id}-name`}>{t('rsv.catName')}</label>
                      <input id={`ce-${p.id}-name`} value={edit.name} onChange={(e) => setEdit({ ...edit, name: e.target.value })} {...invalidProps(error, 'name', `ce-${p.id}-name`)} />
                      <FieldError error={error} field="name" id={`ce-${p.id}-name`} /></div>
                    <div className="field"><label htmlFor={`ce-${p.id}-parent`}>{t('rsv.catParent')}</label>
                      <select id={`ce-${p.id}-parent`} value={edit.parent} onChange={(e) => setEdit({ ...edit, parent: e.target.value })} {...invalidProps(error, 'parent_id', `ce-${p.id}-parent`)}>
                        <option value="">{t('rsv.catTop')}</option>
                        {parents.filter((x) => x.id !== p.id).map((x) => <option key={x.id} value={x.id}>{x.path}</option>)}
                      </select>
                      <FieldError error={error} field="parent_id" id={`ce-${p.id}-parent`} /></div>
                    <div className="btn-row">
                      <button type="submit" className="btn btn-primary btn-small">{t('common.save')}</button>
                      <button type="button" className="btn btn-small" onClick={() => { setEdit(null); setError(null); }}>{t('common.cancel')}</button>
                    </div>
                  </form>
                ) : (
                  <span className="rsv-cat-row">
                    <span>{c.name}</span>
                    {canEdit && (
                      <>
                        <button type="button" className="btn btn-small" onClick={() => { setEdit({ id: c.id, name: c.name, parent: c.parent_id ? String(c.parent_id) : '' }); setError(null); }}>{t('staff.edit')}<span className="sr-only">: {p.path}</span></button>
                        <button type="button" className="btn btn-small" onClick={() => void remove(c)}>{t('rsv.delete')}<span className="sr-only">: {p.path}</span></button>
                      </>
                    )}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {canEdit && (
        <form onSubmit={add} data-testid="rsv-cat-form" noValidate>
          <h3>{t('rsv.catAdd')}</h3>
          <div className="form-grid">
            <div className="field"><label htmlFor="cat-name">{t('rsv.catName')}</label>
              <input id="cat-name" value={name} onChange={(e) => setName(e.target.value)} {...(edit ? {} : invalidProps(error, 'name', 'cat-name'))} data-testid="cat-name" />
              {!edit && <FieldError error={error} field="name" id="cat-name" />}</div>
            <div className="field"><label htmlFor="cat-parent">{t('rsv.catParent')}</label>
              <select id="cat-parent" value={parent} onChange={(e) => setParent(e.target.value)} {...(edit ? {} : invalidProps(error, 'parent_id', 'cat-parent'))} data-testid="cat-parent">
                <option value="">{t('rsv.catTop')}</option>
                {parents.map((x) => <option key={x.id} value={x.id}>{x.path}</option>)}
              </select>
              {!edit && <FieldError error={error} field="parent_id" id="cat-parent" />}</div>
          </div>
          <button type="submit" className="btn" data-testid="cat-add">{t('rsv.catAdd')}</button>
        </form>
      )}
    </div>
  );
}
