import { useState, type FormEvent } from 'react';
import { api, request } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import { useConfirm } from './ConfirmDialog';

interface Counts { targeted: number; queued: number; sent: number; failed: number; batches: number }
interface Campaign { id: number; title: string; status: string; counts: Counts }
interface SendRow { id: number; campaign_id: number; source: string; districts: string[]; created_at: number; campaign?: Campaign }
interface TokenRow { id: number; label: string; hint: string; created_at: number; last_used_at: number | null; revoked_at: number | null; active: boolean }
interface RichMenuState { default_name?: string; previous_default?: string; switched_all: boolean; menus: string[] }
interface EmergencyState { sends: SendRow[]; tokens: TokenRow[]; rich_menu: RichMenuState }
interface Issued extends TokenRow { token: string }
interface SendAnswer { campaign: Campaign; menu: { job?: { id: number } ; error?: string } | null }

/** Districts as staff type them: separated by commas, 、 or spaces. */
export function parseDistricts(s: string): string[] {
  return [...new Set(s.split(/[,、，\s]+/).map((d) => d.trim()).filter(Boolean))];
}

/** 緊急配信: send to everyone or to districts ahead of everything queued, disaster menu, tokens. */
export default function Emergency() {
  const { t, locale } = useI18n();
  const state = useLoad(() => api.get<EmergencyState>('/api/emergency'), []);
  const [dialog, ask] = useConfirm();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [text, setText] = useState('');
  const [districts, setDistricts] = useState('');
  const [menu, setMenu] = useState('');
  const [label, setLabel] = useState('');
  const [issued, setIssued] = useState<Issued | null>(null);
  const s = state.data;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true); setError(null); setNotice(null);
    try { await fn(); state.reload(); } catch (e) { setError(e); } finally { setBusy(false); }
  };

  const send = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const list = parseDistricts(districts);
      const { targeted } = await api.post<{ targeted: number }>('/api/emergency/count', { districts: list });
      const ok = await ask({
        title: t('em.confirmTitle'),
        body: <>
          <p data-testid="emergency-confirm-count">{t('em.confirmCount', { n: targeted })}</p>
          <p>{list.length ? t('em.confirmDistricts', { districts: list.join('、') }) : t('em.confirmAll')}</p>
          {menu && <p>{t('em.confirmMenu', { menu })}</p>}
        </>,
        confirmLabel: t('em.confirmSend'), cancelLabel: t('em.cancel'), testId: 'emergency-confirm',
      });
      if (!ok) return;
      const r = await api.post<SendAnswer>('/api/emergency/sends', { text, districts: list, disaster_menu: menu || null });
      setText('');
      setNotice(r.menu?.error ? t('em.sentMenuFailed', { n: r.campaign.counts.targeted, error: r.menu.error })
        : t('em.sent', { n: r.campaign.counts.targeted }));
    });
  };

  const switchMenu = (body: { name?: string; restore?: boolean }) => run(async () => {
    await api.post('/api/emergency/menu', body);
    setNotice(body.restore ? t('em.menuRestoring') : t('em.menuSwitching'));
  });

  const createToken = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => { setIssued(await api.post<Issued>('/api/emergency/tokens', { label })); setLabel(''); });
  };
  const rotate = (id: number) => run(async () => { setIssued(await api.post<Issued>(`/api/emergency/tokens/${id}/rotate`, {})); });
  const revoke = (tk: TokenRow) => run(async () => {
    const ok = await ask({ title: t('em.revokeTitle'), body: <p>{t('em.revokeBody', { label: tk.label })}</p>,
      confirmLabel: t('em.revoke'), cancelLabel: t('em.cancel') });
    if (!ok) return;
    await request('DELETE', `/api/emergency/tokens/${tk.id}`);
    setIssued(null);
    setNotice(t('em.revoked'));
  });

  return (
    <section data-testid="emergency">
      <h1>{t('em.title')}</h1>
      <p className="muted">{t('em.intro')}</p>
      <Notice text={notice} />
      <ErrorMessage error={error} />
      {dialog}
      {state.loading && !s ? <Loading /> : <ErrorMessage error={state.error} />}

      <form className="card" onSubmit={send} data-testid="emergency-compose">
        <h2>{t('em.compose')}</h2>
        <div className="field">
          <label htmlFor="em-text">{t('em.text')}</label>
          <textarea id="em-text" rows={5} required maxLength={5000} value={text} onChange={(e) => setText(e.target.value)} data-testid="emergency-text" />
        </div>
        <div className="field">
          <label htmlFor="em-districts">{t('em.districts')}</label>
          <input id="em-districts" type="text" value={districts} onChange={(e) => setDistricts(e.target.value)}
            aria-describedby="em-districts-hint" data-testid="emergency-districts" />
          <p id="em-districts-hint" className="muted">{t('em.districtsHint')}</p>
        </div>
        <div className="field">
          <label htmlFor="em-menu">{t('em.menuWith')}</label>
          <select id="em-menu" value={menu} onChange={(e) => setMenu(e.target.value)} data-testid="emergency-menu">
            <option value="">{t('em.menuNone')}</option>
            {s?.rich_menu.menus.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="emergency-send">{t('em.review')}</button>
      </form>

      {s && (
        <div className="card" data-testid="emergency-disaster">
          <h2>{t('em.disaster')}</h2>
          <p data-testid="emergency-mode">{s.rich_menu.switched_all ? t('em.modeDisaster', { menu: s.rich_menu.default_name ?? '' }) : t('em.modeNormal')}</p>
          {s.rich_menu.switched_all
            ? <button type="button" className="btn" disabled={busy} onClick={() => switchMenu({ restore: true })} data-testid="emergency-restore">{t('em.restore')}</button>
            : <div className="btn-row">
              {s.rich_menu.menus.map((m) => (
                <button key={m} type="button" className="btn" disabled={busy} onClick={() => switchMenu({ name: m })} data-testid="emergency-switch">{t('em.switchTo', { menu: m })}</button>
              ))}
              {!s.rich_menu.menus.length && <p className="muted">{t('em.noMenus')}</p>}
            </div>}
        </div>
      )}

      <div className="card" data-testid="emergency-tokens">
        <h2>{t('em.tokens')}</h2>
        <p className="muted">{t('em.tokensIntro')}</p>
        {issued && (
          <div className="alert alert-ok" role="status" data-testid="emergency-issued">
            <p>{t('em.issued')}</p>
            <p><code className="mono" data-testid="emergency-issued-token">{issued.token}</code></p>
          </div>
        )}
        <form className="btn-row" onSubmit={createToken}>
          <label htmlFor="em-label">{t('em.tokenLabel')}</label>
          <input id="em-label" type="text" maxLength={100} value={label} onChange={(e) => setLabel(e.target.value)} data-testid="emergency-token-label" />
          <button type="submit" className="btn" disabled={busy} data-testid="emergency-token-create">{t('em.tokenCreate')}</button>
        </form>
        {s && s.tokens.length > 0 && (
          <div className="table-wrap" tabIndex={0}>
            <table className="table">
              <thead><tr>
                <th scope="col">{t('em.tokenLabel')}</th><th scope="col">{t('em.tokenHint')}</th>
                <th scope="col">{t('em.lastUsed')}</th><th scope="col">{t('em.state')}</th><th scope="col"><span className="sr-only">{t('em.actions')}</span></th>
              </tr></thead>
              <tbody>
                {s.tokens.map((tk) => (
                  <tr key={tk.id} data-testid="emergency-token-row">
                    <th scope="row">{tk.label}</th>
                    <td className="mono">…{tk.hint}</td>
                    <td>{tk.last_used_at ? formatDateTime(tk.last_used_at, locale) : '—'}</td>
                    <td>{tk.active ? t('em.active') : t('em.inactive')}</td>
                    <td>{tk.active && <span className="btn-row">
                      <button type="button" className="btn" disabled={busy} onClick={() => rotate(tk.id)} data-testid="emergency-token-rotate">{t('em.rotate')}</button>
                      <button type="button" className="btn" disabled={busy} onClick={() => revoke(tk)} data-testid="emergency-token-revoke">{t('em.revoke')}</button>
                    </span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      {s && s.sends.length > 0 && (
        <div className="card">
          <h2>{t('em.history')}</h2>
          <div className="table-wrap" tabIndex={0}>
            <table className="table" data-testid="emergency-sends">
              <thead><tr>
                <th scope="col">{t('em.when')}</th><th scope="col">{t('em.source')}</th><th scope="col">{t('em.districtsCol')}</th>
                <th scope="col">{t('em.state')}</th><th scope="col">{t('em.sentCount')}</th>
              </tr></thead>
              <tbody>
                {s.sends.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{formatDateTime(r.created_at, locale)}</th>
                    <td>{r.source === 'api' ? t('em.sourceApi') : t('em.sourceConsole')}</td>
                    <td>{r.districts.length ? r.districts.join('、') : t('em.everyone')}</td>
                    <td>{r.campaign?.status ?? ''}</td>
                    <td>{r.campaign ? `${r.campaign.counts.sent} / ${r.campaign.counts.targeted}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
