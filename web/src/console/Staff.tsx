import { useState, type FormEvent } from 'react';
import { api, type Role, type StaffRow } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDate } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { chosenDepartments, DepartmentPicker } from './DepartmentPicker';

const ROLES: Role[] = ['admin', 'editor', 'operator', 'viewer'];
const EMPTY = { email: '', name: '', password: '', role: 'operator' as Role, departments: [] as string[], other: '' };

export default function Staff() {
  const { t, locale } = useI18n();
  const list = useLoad(() => api.get<{ items: StaffRow[] }>('/api/staff'), []);
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [selected, setSelected] = useState<number | null>(null);
  const editing = list.data?.items.find((s) => s.id === selected);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setNotice(null);
    try {
      const { other, departments, ...rest } = form;
      const s = await api.post<StaffRow>('/api/staff', { ...rest, departments: chosenDepartments(departments, other) });
      setNotice(t('staff.created', { name: s?.name || form.name }));
      setForm(EMPTY);
      list.reload();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <section data-testid="staff">
      <h1>{t('staff.title')}</h1>
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (
        <div className="table-wrap">
          <table className="table" data-testid="staff-table">
            <thead><tr><th scope="col">{t('staff.name')}</th><th scope="col">{t('staff.email')}</th><th scope="col">{t('staff.role')}</th><th scope="col">{t('staff.department')}</th><th scope="col"><span className="sr-only">{t('staff.locked')}</span></th><th scope="col">{t('audit.at')}</th><th scope="col">{t('staff.actions')}</th></tr></thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.id} data-testid={`staff-row-${s.email}`}>
                  <td>{s.name}</td><td>{s.email}</td><td>{t(`role.${s.role}` as MessageKey)}</td><td data-testid="staff-departments">{(s.departments ?? (s.department ? [s.department] : [])).join('、') || (s.role === 'admin' ? t('dept.all') : t('dept.none'))}</td>
                  <td>
                    {s.active === false && <span className="badge badge-rejected" data-testid="staff-inactive">{t('staff.inactive')}</span>}
                    {s.locked && <span className="badge badge-rejected">{t('staff.locked')}</span>}
                  </td>
                  <td>{formatDate(s.created_at, locale)}</td>
                  <td><button type="button" className="btn btn-small" aria-expanded={selected === s.id} onClick={() => { setSelected(selected === s.id ? null : s.id); setNotice(null); setError(null); }} data-testid="staff-edit">{t('staff.edit')}<span className="sr-only">: {s.name || s.email}</span></button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && <StaffEditor key={editing.id} staff={editing} onChanged={(text) => { setNotice(text); list.reload(); }} />}
      {list.data && (
        <form className="card" onSubmit={submit} data-testid="staff-form">
          <h2>{t('staff.create')}</h2>
          <Notice text={notice} />
          <ErrorMessage error={error} />
          <div className="form-grid">
            <div className="field"><label htmlFor="st-name">{t('staff.name')}</label><input id="st-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></div>
            <div className="field"><label htmlFor="st-email">{t('staff.email')}</label><input id="st-email" type="email" required autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></div>
            <div className="field"><label htmlFor="st-pass">{t('staff.password')}</label><input id="st-pass" type="password" required autoComplete="new-password" aria-describedby="st-pass-hint" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
              <small id="st-pass-hint" className="hint">{t('staff.passwordHint')}</small></div>
            <div className="field"><label htmlFor="st-role">{t('staff.role')}</label>
              <select id="st-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
                {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as MessageKey)}</option>)}
              </select>
            </div>
          </div>
          <DepartmentPicker id="st-dept" value={form.departments} other={form.other} onChange={(departments, other) => setForm({ ...form, departments, other })} />
          <button type="submit" className="btn btn-primary" disabled={busy}>{t('staff.create')}</button>
        </form>
      )}
    </section>
  );
}

/** One staff member's settings: name, role, department, active, lock, password reset (admins). */
function StaffEditor({ staff, onChanged }: { staff: StaffRow; onChanged: (notice: string) => void }) {
  const { t } = useI18n();
  const [form, setForm] = useState({ name: staff.name, role: staff.role, departments: staff.departments ?? (staff.department ? [staff.department] : []), other: '' });
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const name = staff.name || staff.email;
  const act = async (run: () => Promise<unknown>, done: string) => {
    setBusy(true); setError(null);
    try { await run(); onChanged(done); } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const { other, departments, ...rest } = form;
    void act(() => api.patch(`/api/staff/${staff.id}`, { ...rest, departments: chosenDepartments(departments, other) }), t('staff.updated', { name: form.name || staff.email }));
  };
  const setActive = (active: boolean) => {
    if (!active && !window.confirm(t('staff.deactivateConfirm', { name }))) return;
    void act(() => api.patch(`/api/staff/${staff.id}`, { active }), t(active ? 'staff.reactivated' : 'staff.deactivated', { name }));
  };
  const reset = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => { await api.post(`/api/staff/${staff.id}/password`, { password }); setPassword(''); }, t('staff.resetDone', { name }));
  };
  return (
    <div className="card" data-testid="staff-editor">
      <h2>{t('staff.editTitle', { name })}</h2>
      <ErrorMessage error={error} testId="staff-editor-error" />
      <form onSubmit={save}>
        <div className="form-grid">
          <div className="field"><label htmlFor="se-name">{t('staff.name')}</label><input id="se-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></div>
          <div className="field"><label htmlFor="se-role">{t('staff.role')}</label>
            <select id="se-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
              {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as MessageKey)}</option>)}
            </select>
          </div>
        </div>
        <DepartmentPicker id="se-dept" value={form.departments} other={form.other} onChange={(departments, other) => setForm({ ...form, departments, other })} />
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="staff-save">{t('common.save')}</button>
      </form>
      <div className="btn-row">
        {staff.active === false
          ? <button type="button" className="btn" disabled={busy} onClick={() => setActive(true)} data-testid="staff-reactivate">{t('staff.reactivate')}</button>
          : <button type="button" className="btn" disabled={busy} onClick={() => setActive(false)} data-testid="staff-deactivate">{t('staff.deactivate')}</button>}
        {staff.locked && <button type="button" className="btn" disabled={busy} onClick={() => void act(() => api.post(`/api/staff/${staff.id}/unlock`), t('staff.unlocked', { name }))} data-testid="staff-unlock">{t('staff.unlock')}</button>}
      </div>
      <form onSubmit={reset} data-testid="staff-reset">
        <h3>{t('staff.resetTitle')}</h3>
        <div className="field"><label htmlFor="se-pass">{t('staff.newPassword')}</label>
          <input id="se-pass" type="password" required autoComplete="new-password" aria-describedby="se-pass-hint" value={password} onChange={(e) => setPassword(e.target.value)} />
          <small id="se-pass-hint" className="hint">{t('staff.passwordHint')}</small></div>
        <button type="submit" className="btn" disabled={busy} data-testid="staff-reset-submit">{t('staff.reset')}</button>
      </form>
    </div>
  );
}

/** Every staff member's own password change (the current password is required). */
export function OwnPassword() {
  const { t } = useI18n();
  const empty = { current_password: '', new_password: '', confirm: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null); setNotice(null);
    if (form.new_password !== form.confirm) { setError(new Error(t('password.mismatch'))); return; }
    setBusy(true);
    try {
      await api.post('/api/session/password', { current_password: form.current_password, new_password: form.new_password });
      setForm(empty);
      setNotice(t('password.done'));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <section data-testid="own-password">
      <h1>{t('password.title')}</h1>
      <form className="card" onSubmit={submit}>
        <Notice text={notice} />
        <ErrorMessage error={error} />
        <div className="field"><label htmlFor="pw-current">{t('password.current')}</label><input id="pw-current" type="password" required autoComplete="current-password" value={form.current_password} onChange={(e) => setForm({ ...form, current_password: e.target.value })} /></div>
        <div className="field"><label htmlFor="pw-new">{t('password.new')}</label><input id="pw-new" type="password" required autoComplete="new-password" aria-describedby="pw-hint" value={form.new_password} onChange={(e) => setForm({ ...form, new_password: e.target.value })} />
          <small id="pw-hint" className="hint">{t('staff.passwordHint')}</small></div>
        <div className="field"><label htmlFor="pw-confirm">{t('password.confirm')}</label><input id="pw-confirm" type="password" required autoComplete="new-password" value={form.confirm} onChange={(e) => setForm({ ...form, confirm: e.target.value })} /></div>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="password-submit">{t('password.submit')}</button>
      </form>
    </section>
  );
}
