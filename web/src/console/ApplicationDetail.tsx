import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type ApplicationDetail, type StaffRow } from '../api';
import { ErrorMessage, Loading, Notice, StatusBadge, statusKey, useLoad } from '../common';
import { formatBytes, formatDateTime, formatYen } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { STATUSES } from './Applications';
import PrivacyConsent, { type PrivacyConsentRecord } from './PrivacyConsent';
import { atLeast, useSession } from './session';
import { describeCorrection, describeHistory } from './describe';

function answerText(a: { value: unknown; display?: string }): string {
  if (a.display !== undefined && a.display !== null && a.display !== '') return a.display;
  if (a.value === null || a.value === undefined) return '';
  return typeof a.value === 'string' ? a.value : JSON.stringify(a.value);
}

/** Whether a staff member may open an application of `department` (the server's rule too). */
function canSee(s: StaffRow, department: string | undefined): boolean {
  if (s.role === 'admin') return true;
  const depts = s.departments ?? (s.department ? [s.department] : []);
  return !!department && depts.includes(department);
}

export default function ApplicationDetailPage() {
  const { id } = useParams();
  const { t, locale } = useI18n();
  const session = useSession();
  const canOperate = atLeast(session.user.role, 'operator');
  const app = useLoad(() => api.get<ApplicationDetail>(`/api/applications/${id}`), [id]);
  const staff = useLoad(() => api.get<{ items: StaffRow[] }>('/api/staff'), []);
  const [memo, setMemo] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [steps, setSteps] = useState<string[]>([]);
  const [reason, setReason] = useState('');

  useEffect(() => { if (app.data) setMemo(app.data.memo ?? ''); }, [app.data]);

  const statusLabel = (s: string) => { const k = statusKey(s); return k ? t(k) : s; };

  const patch = async (body: Record<string, unknown>, okText: string) => {
    setBusy(true); setActionError(null); setNotice(null);
    try {
      await api.patch(`/api/applications/${id}`, body);
      setNotice(okText);
      app.reload();
    } catch (e) { setActionError(e); } finally { setBusy(false); }
  };

  const sendCorrection = async (e: FormEvent) => {
    e.preventDefault();
    if (!steps.length) { setActionError(new Error(t('app.correctionNeedSteps'))); return; }
    setBusy(true); setActionError(null); setNotice(null);
    try {
      await api.post(`/api/applications/${id}/corrections`, { step_ids: steps, reason });
      setNotice(t('app.correctionSent')); setSteps([]); setReason('');
      app.reload();
    } catch (err) { setActionError(err); } finally { setBusy(false); }
  };

  if (app.loading && !app.data) return <Loading />;
  if (app.error) return <><p><Link className="back-link" to="/console/applications">← {t('app.backToList')}</Link></p><ErrorMessage error={app.error} /></>;
  const a = app.data;
  if (!a) return null;
  const staffItems = staff.data?.items; // hidden when /api/staff is 403 (non-admin)
  // The server's workflow table decides; an older server without the field allows them all.
  const allowed: string[] = a.allowed_statuses ?? STATUSES.filter((s) => s !== a.status);
  const correctionOpen = a.corrections?.some((c) => c.status === 'open') ?? false;
  const assigneeId = a.assignee_id ?? (typeof a.assignee === 'object' && a.assignee ? a.assignee.id : undefined);

  return (
    <section data-testid="application-detail" data-receipt={a.receipt_number}>
      <p><Link className="back-link" to="/console/applications">← {t('app.backToList')}</Link></p>
      <div className="page-head">
        <h1>
          <span className="h-sub">{a.service_title}</span>
          {t('apps.receipt')} <span className="mono" data-testid="detail-receipt">{a.receipt_number}</span>
        </h1>
        <StatusBadge status={a.status} />
      </div>
      <p className="muted">{t('apps.submittedAt')}: {formatDateTime(a.submitted_at, locale)}{a.channel ? ` ／ ${a.channel}` : ''}</p>

      <Notice text={notice} />
      <ErrorMessage error={actionError} />

      {canOperate && (
        <div className="card">
          <h2>{t('app.changeStatus')}</h2>
          <p className="sr-only" data-testid="current-status">{t('app.currentStatus', { status: statusLabel(a.status) })}</p>
          <div className="btn-row" role="group" aria-label={t('app.changeStatus')}>
            {STATUSES.filter((s) => s === a.status || allowed.includes(s)).map((s) => (
              <button key={s} type="button" className={`btn status-btn status-btn-${s}`} aria-pressed={a.status === s}
                disabled={busy || a.status === s} data-testid={`status-${s}`}
                onClick={() => patch({ status: s }, t('app.currentStatus', { status: statusLabel(s) }))}>
                {t(`status.${s}` as MessageKey)}
              </button>
            ))}
          </div>
          {allowed.length === 0 && <p className="muted" data-testid="status-final">{t('app.noStatusChange')}</p>}
          {correctionOpen && <p className="muted" data-testid="status-correction-note">{t('app.correctionBlocksStatus')}</p>}
          {staffItems && (
            <div className="field">
              <label htmlFor="assignee">{t('apps.assignee')}</label>
              <select id="assignee" value={assigneeId != null ? String(assigneeId) : ''} disabled={busy} data-testid="assignee-select"
                onChange={(e) => patch({ assignee_id: e.target.value ? Number(e.target.value) : null }, t('common.saved'))}>
                <option value="">{t('app.unassigned')}</option>
                {staffItems.filter((s) => s.id === assigneeId || (s.active !== false && canSee(s, a.department))).map((s) => <option key={s.id} value={String(s.id)}>{s.name || s.email}{s.department ? `（${s.department}）` : ''}</option>)}
              </select>
            </div>
          )}
        </div>
      )}

      <div className="card">
        <h2>{t('app.answers')}</h2>
        <dl className="answers" data-testid="answers">
          {a.answers.map((ans) => (
            <div key={ans.step_id} className="answer-row">
              <dt>{ans.label || ans.step_id}</dt>
              <dd>{answerText(ans)}</dd>
            </div>
          ))}
          {a.total_fee !== undefined && (
            <div className="answer-row" data-testid="detail-fee">
              <dt>{t('app.totalFee')}</dt>
              <dd>{a.total_fee > 0 ? formatYen(a.total_fee, locale) : t('app.noFee')}</dd>
            </div>
          )}
        </dl>
        <PrivacyConsent consent={(a as ApplicationDetail & { privacy_consent?: PrivacyConsentRecord | null }).privacy_consent} />
      </div>

      {a.attachments?.length > 0 && (
        <div className="card">
          <h2>{t('app.attachments')}</h2>
          <ul className="attachments" data-testid="attachments">
            {a.attachments.map((f) => (
              <li key={f.id}>
                {f.content_type?.startsWith('image/') ? (
                  <a href={`/api/attachments/${f.id}`} target="_blank" rel="noreferrer">
                    <img src={`/api/attachments/${f.id}`} alt={f.filename || `attachment ${f.id}`} loading="lazy" />
                  </a>
                ) : null}
                <a href={`/api/attachments/${f.id}`} download={f.filename}>{f.filename || `#${f.id}`}</a>
                <span className="muted"> {formatBytes(f.size)}</span>
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="card">
        <h2><label htmlFor="memo">{t('app.memo')}</label></h2>
        <textarea id="memo" rows={4} value={memo} onChange={(e) => setMemo(e.target.value)} readOnly={!canOperate} data-testid="memo" />
        {canOperate && <div className="btn-row"><button type="button" className="btn" disabled={busy} data-testid="memo-save" onClick={() => patch({ memo }, t('common.saved'))}>{t('app.saveMemo')}</button></div>}
      </div>

      {canOperate && a.answers.length > 0 && (
        <form className="card" onSubmit={sendCorrection} data-testid="correction-form">
          <h2>{t('app.correction')}</h2>
          <p className="muted">{t('app.correctionHelp')}</p>
          <fieldset>
            <legend className="sr-only">{t('app.item')}</legend>
            {a.answers.map((ans) => (
              <label key={ans.step_id} className="check">
                <input type="checkbox" checked={steps.includes(ans.step_id)}
                  onChange={(e) => setSteps(e.target.checked ? [...steps, ans.step_id] : steps.filter((s) => s !== ans.step_id))} />
                {ans.label || ans.step_id}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor="corr-reason">{t('app.correctionReason')}</label>
            <textarea id="corr-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="correction-reason" />
          </div>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="correction-send">{t('app.correctionSend')}</button>
        </form>
      )}

      {a.corrections?.length > 0 && (
        <div className="card">
          <h2>{t('app.corrections')}</h2>
          <ul className="history">
            {a.corrections.map((c, i) => <li key={i} data-testid="correction-entry"><span className="muted">{formatDateTime(c.created_at as number, locale)}</span> {describeCorrection(c, t)}
              {c.status === 'open' && a.channel === 'web' && typeof c.resident_path === 'string' && (
                <p className="muted" data-testid="correction-link">{t('app.correctionLink')}: <code>{window.location.origin + c.resident_path}</code></p>
              )}</li>)}
          </ul>
        </div>
      )}

      {a.history?.length > 0 && (
        <div className="card">
          <h2>{t('app.history')}</h2>
          <ul className="history" data-testid="history">
            {a.history.map((r, i) => <li key={i} data-testid="history-entry"><span className="muted">{formatDateTime(r.at as number, locale)}</span> {r.staff ? <strong>{String(r.staff)}</strong> : null} {describeHistory(r, t, statusLabel)}</li>)}
          </ul>
        </div>
      )}
    </section>
  );
}
