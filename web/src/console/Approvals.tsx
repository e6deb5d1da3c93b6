// 承認待ち: deliveries waiting for a second staff member (issue 13, "Approval"). Admins approve
// or send back with a reason; the author and the one who asked to send cannot decide (the
// server answers 403, the buttons say so first). Admins also switch the requirement itself.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import { atLeast, useSession } from './session';

interface PendingItem {
  approval: { id: number; requested_by: number; requested_at: number };
  campaign: { id: number; title: string; messages: { type: string; text?: string }[]; audience: { kind: string }; timing_description: string };
  can_decide: boolean;
}
export interface DeliverySettings {
  approval_required: boolean;
  garbage_reminders: { enabled: boolean; time: string; area_attribute: string; time_attribute: string };
}

export default function Approvals() {
  const { t, locale } = useI18n();
  const session = useSession();
  const isAdmin = atLeast(session.user.role, 'admin');
  const list = useLoad(() => api.get<{ items: PendingItem[] }>('/api/campaign-approvals'), []);
  const settings = useLoad(() => api.get<DeliverySettings>('/api/delivery-settings'), []);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [rejecting, setRejecting] = useState<number | null>(null);
  const [reason, setReason] = useState('');

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true); setError(null); setNotice(null);
    try { await fn(); setNotice(done); setRejecting(null); setReason(''); list.reload(); settings.reload(); }
    catch (e) { setError(e); } finally { setBusy(false); }
  };
  const reject = (e: FormEvent, id: number) => {
    e.preventDefault();
    void act(() => api.post(`/api/campaigns/${id}/reject`, { reason }), t('ap.rejected'));
  };

  return (
    <section data-testid="approvals">
      <h1>{t('ap.title')}</h1>
      <p className="muted">{t('ap.intro')}</p>
      <Notice text={notice} />
      <ErrorMessage error={error} />
      {settings.data && (
        <div className="card">
          <label className="check">
            <input type="checkbox" checked={settings.data.approval_required} disabled={!isAdmin || busy} data-testid="approval-required"
              onChange={(e) => { const on = e.target.checked; void act(() => api.put('/api/delivery-settings', { approval_required: on }), t(on ? 'ap.requiredOn' : 'ap.requiredOff')); }} />
            {t('ap.required')}
          </label>
        </div>
      )}
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p data-testid="approvals-empty">{t('ap.empty')}</p> : (
        <ul style={{ listStyle: 'none', padding: 0 }} data-testid="approvals-list">
          {list.data.items.map(({ approval, campaign, can_decide }) => (
            <li key={approval.id} className="card" data-testid="approval-item">
              <h2>{campaign.title}</h2>
              <p className="muted">{t('ap.requested', { at: formatDateTime(approval.requested_at, locale) })} ・ {campaign.timing_description}</p>
              {campaign.messages.map((m, i) => <p key={i} style={{ whiteSpace: 'pre-wrap' }}>{m.text}</p>)}
              {!can_decide && <p className="muted" data-testid="approval-own">{t(isAdmin ? 'ap.own' : 'ap.adminOnly')}</p>}
              {rejecting === campaign.id ? (
                <form onSubmit={(e) => reject(e, campaign.id)}>
                  <div className="field">
                    <label htmlFor={`reason-${campaign.id}`}>{t('ap.reason')}</label>
                    <textarea id={`reason-${campaign.id}`} required maxLength={300} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="approval-reason" />
                  </div>
                  <button type="submit" className="btn" disabled={busy || !reason.trim()} data-testid="approval-reject-confirm">{t('ap.reject')}</button>{' '}
                  <button type="button" className="btn btn-ghost" onClick={() => setRejecting(null)}>{t('ap.cancel')}</button>
                </form>
              ) : (
                <div>
                  <button type="button" className="btn btn-primary" disabled={busy || !can_decide} data-testid="approval-approve"
                    onClick={() => void act(() => api.post(`/api/campaigns/${campaign.id}/approve`), t('ap.approved', { title: campaign.title }))}>{t('ap.approve')}</button>{' '}
                  <button type="button" className="btn" disabled={busy || !can_decide} data-testid="approval-reject"
                    onClick={() => { setRejecting(campaign.id); setReason(''); }}>{t('ap.reject')}</button>
                </div>
              )}
            </li>
          ))}
        </ul>
      ))}
    </section>
  );
}
