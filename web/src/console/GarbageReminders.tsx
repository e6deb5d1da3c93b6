// Garbage-day reminders (issue 13): the evening before, each district's residents hear what is
// collected tomorrow. Admins switch it on and choose the time (JST) and which resident
// attributes hold the district (5374 地名) and a resident's own reminder time.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, Notice, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import type { DeliverySettings } from './Approvals';

export default function GarbageReminders({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const loaded = useLoad(() => api.get<DeliverySettings>('/api/delivery-settings'), []);
  const [form, setForm] = useState<DeliverySettings['garbage_reminders'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (loaded.data) setForm(loaded.data.garbage_reminders); }, [loaded.data]);
  if (!form) return <ErrorMessage error={loaded.error} />;
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setNotice(null);
    try {
      const r = await api.put<DeliverySettings>('/api/delivery-settings', { garbage_reminders: form });
      setForm(r.garbage_reminders);
      setNotice(t('gr.saved'));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <form className="card" onSubmit={save} data-testid="garbage-reminders">
      <h2>{t('gr.title')}</h2>
      <p className="muted">{t('gr.intro')}</p>
      <Notice text={notice} testId="garbage-reminders-notice" />
      <ErrorMessage error={error} />
      <label className="check">
        <input type="checkbox" checked={form.enabled} disabled={!canEdit || busy} onChange={(e) => set({ enabled: e.target.checked })} data-testid="garbage-reminders-enabled" />
        {t('gr.enabled')}
      </label>
      <div className="field">
        <label htmlFor="gr-time">{t('gr.time')}</label>
        <input id="gr-time" type="time" required value={form.time} disabled={!canEdit || busy} onChange={(e) => set({ time: e.target.value })} data-testid="garbage-reminders-time" />
      </div>
      <div className="field">
        <label htmlFor="gr-area">{t('gr.areaAttribute')}</label>
        <input id="gr-area" className="mono" required value={form.area_attribute} disabled={!canEdit || busy} onChange={(e) => set({ area_attribute: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="gr-own">{t('gr.timeAttribute')}</label>
        <input id="gr-own" className="mono" required value={form.time_attribute} disabled={!canEdit || busy} onChange={(e) => set({ time_attribute: e.target.value })} />
      </div>
      {canEdit && <button type="submit" className="btn btn-primary" disabled={busy} data-testid="garbage-reminders-save">{t('gr.save')}</button>}
    </form>
  );
}
