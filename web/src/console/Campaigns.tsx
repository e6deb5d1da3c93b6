import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { CampaignPreview, MessageEditor, toLine, type DraftMessage, type LineMessage } from './CampaignMessages';
import CampaignTiming, { emptyTiming, saveTiming, type TimingForm } from './CampaignTiming';
import CampaignReport from './CampaignReport';
import { useConfirm } from './ConfirmDialog';
import SegmentBuilder, { type SavedSegment } from './SegmentBuilder';
import type { AttrDef, Condition } from './segmentModel';
import { atLeast, useSession } from './session';

/** A delivery as GET /api/campaigns returns it. */
export interface Campaign {
  id: number; title: string; status: string; messages: LineMessage[];
  audience: { kind: string; condition?: Condition };
  counts: { targeted: number; queued: number; sent: number; failed: number; batches: number };
  excluded_blocked: number; created_at: number; queued_at: number | null; finished_at: number | null;
}
interface SegmentList { items: SavedSegment[]; attributes: AttrDef[] }

const STATUS: Record<string, MessageKey> = {
  draft: 'cp.status.draft', queued: 'cp.status.queued', sending: 'cp.status.sending', sent: 'cp.status.sent', cancelled: 'cp.status.cancelled',
};

/** 配信: the list of deliveries with their counts, and the way to a new one. */
export default function Campaigns() {
  const { t, locale } = useI18n();
  const list = useLoad(() => api.get<{ items: Campaign[] }>('/api/campaigns'), []);
  const session = useSession();
  return (
    <section data-testid="campaigns">
      <h1>{t('cp.title')}</h1>
      <p className="muted">{t('cp.intro')}</p>
      {atLeast(session.user.role, 'operator') && <p><Link className="btn btn-primary" to="/console/campaigns/new" data-testid="campaign-new">{t('cp.new')}</Link></p>}
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p>{t('cp.none')}</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="campaign-list">
            <caption className="sr-only">{t('cp.title')}</caption>
            <thead><tr>
              <th scope="col">{t('cp.col.title')}</th><th scope="col">{t('cp.col.status')}</th>
              <th scope="col">{t('cp.col.targeted')}</th><th scope="col">{t('cp.col.sent')}</th>
              <th scope="col">{t('cp.col.failed')}</th><th scope="col">{t('cp.col.blocked')}</th><th scope="col">{t('cp.col.created')}</th>
            </tr></thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id} data-testid="campaign-row">
                  <td><Link to={`/console/campaigns/${c.id}`}>{c.title}</Link></td>
                  <td>{t(STATUS[c.status] ?? 'cp.status.draft')}</td>
                  <td>{c.counts.targeted}</td><td>{c.counts.sent}</td><td>{c.counts.failed}</td><td>{c.excluded_blocked}</td>
                  <td>{formatDateTime(c.created_at, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ))}
    </section>
  );
}

/** One delivery: its counts, what it says, and (a draft) the send button. */
export function CampaignDetail() {
  const { t, locale } = useI18n();
  const { id } = useParams();
  const c = useLoad(() => api.get<Campaign>(`/api/campaigns/${id}`), [id]);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [dialog, confirm] = useConfirm();
  const session = useSession();
  const back = <p><Link className="back-link" to="/console/campaigns">← {t('cp.back')}</Link></p>;
  if (c.loading && !c.data) return <>{back}<Loading /></>;
  if (!c.data) return <>{back}<ErrorMessage error={c.error} /></>;
  const d = c.data;
  const send = async () => {
    setError(null);
    try {
      const n = await api.post<{ count: number; active: { line: number; web: number } }>('/api/residents/count', { condition: d.audience.kind === 'condition' ? d.audience.condition : {} });
      const ok = await confirm({
        title: t('cp.confirmTitle'), body: <p data-testid="campaign-confirm-count">{t('cp.confirmBody', { n: n.count, line: n.active.line, web: n.active.web })}</p>,
        confirmLabel: t('cp.sendNow'), cancelLabel: t('common.cancel'), testId: 'campaign-confirm',
      });
      if (!ok) return;
      await api.post(`/api/campaigns/${d.id}/send`, {});
      setNotice(t('cp.queued'));
      c.reload();
    } catch (e) { setError(e); }
  };
  return (
    <section data-testid="campaign-detail">
      {back}
      <h1>{d.title}</h1>
      <Notice text={notice} />
      <ErrorMessage error={error} testId="campaign-error" />
      <dl className="campaign-counts" data-testid="campaign-counts">
        <dt>{t('cp.col.status')}</dt><dd data-testid="campaign-status">{t(STATUS[d.status] ?? 'cp.status.draft')}</dd>
        <dt>{t('cp.col.targeted')}</dt><dd data-testid="campaign-targeted">{d.counts.targeted}</dd>
        <dt>{t('cp.col.sent')}</dt><dd data-testid="campaign-sent">{d.counts.sent}</dd>
        <dt>{t('cp.col.failed')}</dt><dd>{d.counts.failed}</dd>
        <dt>{t('cp.col.blocked')}</dt><dd>{d.excluded_blocked}</dd>
        <dt>{t('cp.col.created')}</dt><dd>{formatDateTime(d.created_at, locale)}</dd>
        {d.finished_at && <><dt>{t('cp.finished')}</dt><dd>{formatDateTime(d.finished_at, locale)}</dd></>}
      </dl>
      <h2>{t('cp.messages')}</h2>
      <ol>{d.messages.map((m, i) => <li key={i}>{describeLine(m, t)}</li>)}</ol>
      {d.status !== 'draft' && d.queued_at && <CampaignReport id={d.id} />}
      {d.status === 'draft' && atLeast(session.user.role, 'admin') && <button type="button" className="btn btn-primary" onClick={send} data-testid="campaign-send">{t('cp.sendNow')}</button>}
      {d.status !== 'draft' && d.status !== 'sent' && d.status !== 'cancelled' && <button type="button" className="btn" onClick={() => c.reload()}>{t('cp.refresh')}</button>}
      {dialog}
    </section>
  );
}

function describeLine(m: LineMessage, t: (k: MessageKey, p?: Record<string, string | number>) => string): string {
  if (m.type === 'text') return String(m.text);
  if (m.type === 'image') return `${t('cp.kind.image')}: ${String(m.originalContentUrl)}`;
  const tpl = (m.template ?? {}) as { title?: string; text?: string; actions?: { label: string; uri: string }[] };
  return `${t('cp.kind.card')}: ${[tpl.title, tpl.text, tpl.actions?.[0] ? `${tpl.actions[0].label} ${tpl.actions[0].uri}` : ''].filter(Boolean).join(' / ')}`;
}

/**
 * A new delivery: who (everyone or a segment), what (up to 5 messages, previewed), when, then
 * saved as a draft and, for admins, sent after a confirmation stating the count.
 * The timing (now, at a time, recurring, life-stage) is stored on the draft before it is sent;
 * sending a timed draft schedules it (or asks for approval when the tenant requires it).
 */
export function CampaignComposer() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const session = useSession();
  const segs = useLoad(() => api.get<SegmentList>('/api/segments'), []);
  const [title, setTitle] = useState('');
  const [who, setWho] = useState<'all' | 'segment'>('segment');
  const [condition, setCondition] = useState<Condition>({});
  const [messages, setMessages] = useState<DraftMessage[]>([{ type: 'text', text: '' }]);
  const [timing, setTiming] = useState<TimingForm>(emptyTiming);
  const [track, setTrack] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [dialog, confirm] = useConfirm();
  const defs = segs.data?.attributes ?? [];
  const isAdmin = atLeast(session.user.role, 'admin');

  const submit = async (andSend: boolean) => {
    setError(null); setBusy(true);
    try {
      const audience = who === 'all' ? { kind: 'all' } : { kind: 'condition', condition };
      let sendIt = false;
      if (andSend) {
        const n = await api.post<{ count: number; active: { line: number; web: number } }>('/api/residents/count', { condition: who === 'all' ? {} : condition });
        sendIt = await confirm({
          title: t('cp.confirmTitle'), body: <p data-testid="campaign-confirm-count">{t('cp.confirmBody', { n: n.count, line: n.active.line, web: n.active.web })}</p>,
          confirmLabel: t(timing.mode === 'now' ? 'cp.sendNow' : 'cp.sendTimed'), cancelLabel: t('common.cancel'), testId: 'campaign-confirm',
        });
        if (!sendIt) return;
      }
      const created = await api.post<Campaign>('/api/campaigns', { title, messages: messages.map(toLine), audience, track_clicks: track });
      if (timing.mode !== 'now') await saveTiming(created.id, timing);
      if (sendIt) await api.post(`/api/campaigns/${created.id}/send`, {});
      navigate(`/console/campaigns/${created.id}`);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  return (
    <section data-testid="campaign-composer">
      <p><Link className="back-link" to="/console/campaigns">← {t('cp.back')}</Link></p>
      <h1>{t('cp.new')}</h1>
      {segs.loading && !segs.data ? <Loading /> : <ErrorMessage error={segs.error} />}
      <div className="field">
        <label htmlFor="campaign-title">{t('cp.subject')}</label>
        <input id="campaign-title" maxLength={100} value={title} onChange={(e) => setTitle(e.target.value)} data-testid="campaign-title" />
      </div>
      <fieldset className="card">
        <legend>{t('cp.who')}</legend>
        <label className="check"><input type="radio" name="campaign-who" checked={who === 'segment'} onChange={() => setWho('segment')} data-testid="campaign-who-segment" />{t('cp.whoSegment')}</label>
        <label className="check"><input type="radio" name="campaign-who" checked={who === 'all'} onChange={() => setWho('all')} data-testid="campaign-who-all" />{t('cp.whoAll')}</label>
        {who === 'segment' && segs.data && (
          <SegmentBuilder defs={defs} segments={segs.data.items} onChange={setCondition} onSaved={() => segs.reload()} />
        )}
      </fieldset>
      <fieldset className="card">
        <legend>{t('cp.messages')}</legend>
        <MessageEditor messages={messages} defs={defs} onChange={setMessages} />
        <label className="check"><input type="checkbox" checked={track} onChange={(e) => setTrack(e.target.checked)} data-testid="campaign-track" />{t('rt.track')}</label>
      </fieldset>
      <section className="card" aria-labelledby="campaign-preview-h">
        <h2 id="campaign-preview-h">{t('cp.preview')}</h2>
        <CampaignPreview title={title} messages={messages} defs={defs} town={session.tenant.name} />
      </section>
      <fieldset className="card" data-testid="campaign-timing">
        <legend>{t('cp.timing')}</legend>
        <CampaignTiming value={timing} onChange={setTiming} disabled={busy}
          dateAttributes={defs.filter((d) => d.type === 'date').map((d) => ({ key: d.key, label: d.label }))} />
      </fieldset>
      <ErrorMessage error={error} testId="campaign-error" />
      <div className="actions">
        <button type="button" className="btn" disabled={busy} onClick={() => submit(false)} data-testid="campaign-save">{t('cp.saveDraft')}</button>
        {isAdmin && <button type="button" className="btn btn-primary" disabled={busy} onClick={() => submit(true)} data-testid="campaign-send-now">{t(timing.mode === 'now' ? 'cp.sendNow' : 'cp.sendTimed')}</button>}
      </div>
      {dialog}
    </section>
  );
}
