import { useEffect, useState, type FormEvent } from 'react';
import { api, type LineSettings } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { useI18n } from '../i18n-react';

export default function LineSettingsPage() {
  const { t } = useI18n();
  const s = useLoad(() => api.get<LineSettings>('/api/line/settings'), []);
  const [secret, setSecret] = useState('');
  const [token, setToken] = useState('');
  const [apiBase, setApiBase] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { if (s.data) setApiBase(s.data.api_base ?? ''); }, [s.data]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body: Record<string, string> = {};
    if (secret) body.channel_secret = secret;
    if (token) body.access_token = token;
    if (apiBase !== (s.data?.api_base ?? '')) body.api_base = apiBase;
    setBusy(true); setError(null); setNotice(null);
    try {
      const r = await api.put<LineSettings>('/api/line/settings', body);
      if (r) s.setData(r);
      setSecret(''); setToken('');
      setNotice(t('common.saved'));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  if (s.loading && !s.data) return <Loading />;
  if (s.error) return <section><h1>{t('line.title')}</h1><ErrorMessage error={s.error} /></section>;
  const d = s.data!;
  const state = (b: boolean) => <span className={`badge ${b ? 'badge-done' : 'badge-new'}`}>{b ? t('line.set') : t('line.notSet')}</span>;
  return (
    <section data-testid="line-settings">
      <h1>{t('line.title')}</h1>
      <div className="card">
        <div className="field">
          <label htmlFor="line-webhook">{t('line.webhook')}</label>
          <input id="line-webhook" readOnly value={d.webhook_url ?? ''} onFocus={(e) => e.currentTarget.select()} className="mono" data-testid="line-webhook" />
        </div>
        {d.channel_id && <p>{t('line.channelId')}: <span className="mono">{d.channel_id}</span></p>}
      </div>
      <form className="card" onSubmit={submit}>
        <Notice text={notice} />
        <ErrorMessage error={error} />
        <div className="field">
          <label htmlFor="line-secret">{t('line.secret')} {state(d.has_secret)}</label>
          <input id="line-secret" type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} aria-describedby="line-wo" data-testid="line-secret" />
        </div>
        <div className="field">
          <label htmlFor="line-token">{t('line.token')} {state(d.has_token)}</label>
          <input id="line-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} aria-describedby="line-wo" data-testid="line-token" />
          <small id="line-wo" className="hint">{t('line.writeOnly')}</small>
        </div>
        <div className="field">
          <label htmlFor="line-base">{t('line.apiBase')}</label>
          <input id="line-base" type="url" value={apiBase} onChange={(e) => setApiBase(e.target.value)} placeholder="https://api.line.me" data-testid="line-api-base" />
        </div>
        <button type="submit" className="btn btn-primary" disabled={busy}>{t('common.save')}</button>
      </form>
    </section>
  );
}
