import { useState, type FormEvent } from 'react';
import { api, type Role, type StaffRow } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDate } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';

const ROLES: Role[] = ['admin', 'editor', 'operator', 'viewer'];
const EMPTY = { email: '', name: '', password: '', role: 'operator' as Role, department: '' };

export default function Staff() {
  const { t, locale } = useI18n();
  const list = useLoad(() => api.get<{ items: StaffRow[] }>('/api/staff'), []);
  const [form, setForm] = useState(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setNotice(null);
    try {
      const s = await api.post<StaffRow>('/api/staff', form);
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
            <thead><tr><th scope="col">{t('staff.name')}</th><th scope="col">{t('staff.email')}</th><th scope="col">{t('staff.role')}</th><th scope="col">{t('staff.department')}</th><th scope="col"><span className="sr-only">{t('staff.locked')}</span></th><th scope="col">{t('audit.at')}</th></tr></thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr key={s.id}>
                  <td>{s.name}</td><td>{s.email}</td><td>{t(`role.${s.role}` as MessageKey)}</td><td>{s.department}</td>
                  <td>{s.locked ? <span className="badge badge-rejected">{t('staff.locked')}</span> : ''}</td>
                  <td>{formatDate(s.created_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && (
        <form className="card" onSubmit={submit} data-testid="staff-form">
          <h2>{t('staff.create')}</h2>
          <Notice text={notice} />
          <ErrorMessage error={error} />
          <div className="form-grid">
            <div className="field"><label htmlFor="st-name">{t('staff.name')}</label><input id="st-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} /></div>
            <div className="field"><label htmlFor="st-email">{t('staff.email')}</label><input id="st-email" type="email" required autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} /></div>
            <div className="field"><label htmlFor="st-pass">{t('staff.password')}</label><input id="st-pass" type="password" required autoComplete="new-password" aria-describedby="st-pass-hint" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
              <small id="st-pass-hint" className="hint">{locale === 'ja' ? '12文字以上（日本語も使えます。長い文章も可）。よく使われるパスワードは使えません。' : 'At least 12 characters (Japanese and long passphrases welcome). Common passwords are refused.'}</small></div>
            <div className="field"><label htmlFor="st-role">{t('staff.role')}</label>
              <select id="st-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
                {ROLES.map((r) => <option key={r} value={r}>{t(`role.${r}` as MessageKey)}</option>)}
              </select>
            </div>
            <div className="field"><label htmlFor="st-dept">{t('staff.department')}</label><input id="st-dept" value={form.department} onChange={(e) => setForm({ ...form, department: e.target.value })} /></div>
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy}>{t('staff.create')}</button>
        </form>
      )}
    </section>
  );
}
