import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import { useConfirm } from './ConfirmDialog';
import { atLeast, useSession } from './session';

interface Lottery {
  id: number;
  resource_id: number;
  resource_name: string;
  title: string;
  opens_at: string;
  closes_at: string;
  max_wins: number;
  status: 'open' | 'drawn' | 'published' | 'cancelled' | string;
  accepting: boolean;
  slots: string[];
  seed: string | null;
  algorithm: string;
  applications: number;
}
interface Application {
  id: number;
  resident_id: number;
  party: number;
  choices: string[];
  status: string;
  wins: { slot: string; rank: number; booking_id: number | null; refused: string }[];
}
interface Resource { id: number; name: string }

const slotText = (s: string) => s.replace('T', ' ');

function Applications({ id, changes }: { id: number; changes: number }) {
  const { t } = useI18n();
  const detail = useLoad(() => api.get<Lottery & { applications: Application[] }>(`/api/lotteries/${id}`), [id, changes]);
  if (detail.loading && !detail.data) return <Loading />;
  if (detail.error) return <ErrorMessage error={detail.error} />;
  const apps = detail.data?.applications ?? [];
  if (apps.length === 0) return <p>{t('lot.noApplications')}</p>;
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label={t('lot.applications')}>
      <table className="table" data-testid="lot-applications">
        <thead><tr>
          <th scope="col">{t('lot.appId')}</th><th scope="col">{t('lot.party')}</th>
          <th scope="col">{t('lot.choices')}</th><th scope="col">{t('lot.result')}</th>
        </tr></thead>
        <tbody>
          {apps.map((a) => (
            <tr key={a.id} data-status={a.status}>
              <th scope="row">{a.id}</th>
              <td>{a.party}</td>
              <td>{a.choices.map(slotText).join(' → ')}</td>
              <td>{a.wins.length === 0 ? t(`lot.app.${a.status}` as 'lot.app.applied') : a.wins.map((w) => (
                <span key={w.slot}>{slotText(w.slot)}（{t('lot.rank', { n: w.rank })}）{w.refused ? ` ${t('lot.refused', { code: w.refused })}` : ''} </span>
              ))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * 抽選: lottery rounds over a resource's slots. Staff open a round (an application window over
 * a period's slots), see the applications, draw after the window with a seed they may enter
 * (shown, with an export anyone can re-run), and publish: winners are booked and everyone told.
 */
export default function ReservationLotteries() {
  const { t } = useI18n();
  const session = useSession();
  usePageTitle(t('lot.title'), session.tenant.name);
  const canEdit = atLeast(session.user.role, 'editor');
  const canRun = atLeast(session.user.role, 'operator');
  const resources = useLoad(() => api.get<{ resources: Resource[] }>('/api/resources'), []);
  const [changes, setChanges] = useState(0);
  const list = useLoad(() => api.get<{ lotteries: Lottery[] }>('/api/lotteries'), [changes]);
  const [draft, setDraft] = useState({ resource_id: 0, title: '', opens_at: '', closes_at: '', from: '', to: '', max_wins: 1 });
  const [open, setOpen] = useState<number | null>(null);
  const [seeds, setSeeds] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [dialog, ask] = useConfirm();

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      await fn();
      setNotice(done);
      setChanges((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    const resourceId = draft.resource_id || resources.data?.resources[0]?.id || 0;
    void act(() => api.post('/api/lotteries', { ...draft, resource_id: resourceId }), t('lot.created'));
  };
  const draw = async (l: Lottery) => {
    const seed = seeds[l.id]?.trim() ?? '';
    if (!(await ask({ title: t('lot.drawAsk'), body: seed ? t('lot.drawAskSeed', { seed }) : t('lot.drawAskRandom'), confirmLabel: t('lot.draw'), cancelLabel: t('common.cancel'), testId: 'lot-draw-confirm' }))) return;
    void act(() => api.post(`/api/lotteries/${l.id}/draw`, seed ? { seed } : {}), t('lot.drawn'));
  };
  const publish = async (l: Lottery) => {
    if (!(await ask({ title: t('lot.publishAsk'), body: t('lot.publishAskBody'), confirmLabel: t('lot.publish'), cancelLabel: t('common.cancel'), testId: 'lot-publish-confirm' }))) return;
    void act(() => api.post(`/api/lotteries/${l.id}/publish`, {}), t('lot.published'));
  };
  const cancel = async (l: Lottery) => {
    if (!(await ask({ title: t('lot.cancelAsk'), body: t('lot.cancelAskBody'), confirmLabel: t('lot.cancelRound'), cancelLabel: t('common.cancel') }))) return;
    void act(() => api.post(`/api/lotteries/${l.id}/cancel`, {}), t('lot.cancelled'));
  };

  const rounds = list.data?.lotteries ?? [];
  return (
    <div>
      <h1>{t('lot.title')}</h1>
      <p className="lead">{t('lot.lead')}</p>
      {dialog}
      {notice && <p className="alert alert-ok" role="status" data-testid="lot-notice">{notice}</p>}
      <ErrorMessage error={error} testId="lot-error" />
      {canEdit && (
        <form className="card" onSubmit={create} data-testid="lot-create">
          <h2>{t('lot.create')}</h2>
          <div className="form-grid">
            <div className="field"><label htmlFor="lot-resource">{t('lot.resource')}</label>
              <select id="lot-resource" value={draft.resource_id || ''} data-testid="lot-resource"
                onChange={(e) => setDraft({ ...draft, resource_id: Number(e.target.value) })}>
                {(resources.data?.resources ?? []).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
              </select></div>
            <div className="field"><label htmlFor="lot-title">{t('lot.roundTitle')}</label>
              <input id="lot-title" value={draft.title} maxLength={200} data-testid="lot-title" onChange={(e) => setDraft({ ...draft, title: e.target.value })} /></div>
            <div className="field"><label htmlFor="lot-opens">{t('lot.opensAt')}</label>
              <input id="lot-opens" type="datetime-local" required value={draft.opens_at} data-testid="lot-opens" onChange={(e) => setDraft({ ...draft, opens_at: e.target.value })} /></div>
            <div className="field"><label htmlFor="lot-closes">{t('lot.closesAt')}</label>
              <input id="lot-closes" type="datetime-local" required value={draft.closes_at} data-testid="lot-closes" onChange={(e) => setDraft({ ...draft, closes_at: e.target.value })} /></div>
            <div className="field"><label htmlFor="lot-from">{t('lot.from')}</label>
              <input id="lot-from" type="date" required value={draft.from} data-testid="lot-from" onChange={(e) => setDraft({ ...draft, from: e.target.value })} /></div>
            <div className="field"><label htmlFor="lot-to">{t('lot.to')}</label>
              <input id="lot-to" type="date" required value={draft.to} data-testid="lot-to" onChange={(e) => setDraft({ ...draft, to: e.target.value })} /></div>
            <div className="field"><label htmlFor="lot-max">{t('lot.maxWins')}</label>
              <input id="lot-max" type="number" min={1} max={10} value={draft.max_wins} data-testid="lot-max" onChange={(e) => setDraft({ ...draft, max_wins: Number(e.target.value) })} /></div>
          </div>
          <p className="muted">{t('lot.createHint')}</p>
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="lot-create-submit">{t('lot.createSubmit')}</button>
        </form>
      )}
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (rounds.length === 0 ? <p data-testid="lot-empty">{t('lot.noneStaff')}</p> : (
        <ul className="my-list" data-testid="lot-list">
          {rounds.map((l) => (
            <li key={l.id} className="card" data-testid="lot-round" data-status={l.status}>
              <h2>{l.title}</h2>
              <p>{l.resource_name} ・ {t(`lot.status.${l.status}` as 'lot.status.open')} ・ {t('lot.count', { n: l.applications, slots: l.slots.length })}</p>
              <p className="muted">{t('lot.window', { from: slotText(l.opens_at), to: slotText(l.closes_at) })}</p>
              {l.seed && <p data-testid="lot-seed">{t('lot.seed')}: <code>{l.seed}</code>（{l.algorithm}）</p>}
              <div className="btn-row">
                {canRun && <button type="button" className="btn" aria-expanded={open === l.id} data-testid="lot-show" onClick={() => setOpen(open === l.id ? null : l.id)}>{t('lot.applications')}</button>}
                {canRun && l.status === 'open' && !l.accepting && (
                  <>
                    <label htmlFor={`lot-seed-${l.id}`} className="sr-only">{t('lot.seedInput')}</label>
                    <input id={`lot-seed-${l.id}`} placeholder={t('lot.seedInput')} value={seeds[l.id] ?? ''} maxLength={16} data-testid="lot-seed-input"
                      onChange={(e) => setSeeds({ ...seeds, [l.id]: e.target.value })} />
                    <button type="button" className="btn btn-primary" disabled={busy} data-testid="lot-draw" onClick={() => void draw(l)}>{t('lot.draw')}</button>
                  </>
                )}
                {canRun && l.status === 'drawn' && <button type="button" className="btn btn-primary" disabled={busy} data-testid="lot-publish" onClick={() => void publish(l)}>{t('lot.publish')}</button>}
                {canRun && l.seed && <a className="btn" href={`/api/lotteries/${l.id}/export.json`} download data-testid="lot-export">{t('lot.export')}</a>}
                {canEdit && (l.status === 'open' || l.status === 'drawn') && <button type="button" className="btn btn-danger" disabled={busy} data-testid="lot-cancel" onClick={() => void cancel(l)}>{t('lot.cancelRound')}</button>}
              </div>
              {open === l.id && <Applications id={l.id} changes={changes} />}
            </li>
          ))}
        </ul>
      ))}
    </div>
  );
}
