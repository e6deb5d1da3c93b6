import { useState, type FormEvent } from 'react';
import { ApiError, api, type SessionInfo } from '../api';
import { errorText, usePageTitle } from '../common';
import { LocaleSwitch, useI18n } from '../i18n-react';

const LAST_TENANT = 'mg_last_tenant';

export default function Login({ onLogin }: { onLogin: (s: SessionInfo) => void }) {
  const { t } = useI18n();
  usePageTitle(t('login.title'), undefined);
  const [tenant, setTenant] = useState(() => { try { return localStorage.getItem(LAST_TENANT) || ''; } catch { return ''; } });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [locked, setLocked] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setLocked(false);
    try {
      const s = await api.post<SessionInfo>('/api/login', { tenant: tenant.trim(), email: email.trim(), password }, { quiet401: true });
      try { localStorage.setItem(LAST_TENANT, tenant.trim()); } catch { /* ignore */ }
      onLogin(s);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 423 || err.code === 'locked')) {
        setLocked(true);
        setError(err.message || null);
      } else if (err instanceof ApiError && err.status === 429) {
        // Throttled after repeated failures: the server's message says how long to wait.
        setError(err.message || t('login.failed'));
      } else if (err instanceof ApiError && err.status === 401) {
        setError(err.message || t('login.failed'));
      } else {
        setError(errorText(err, t));
      }
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <header className="topbar">
        <span className="brand">{t('app.name')} <small>{t('app.console')}</small></span>
        <LocaleSwitch />
      </header>
      <main id="main" className="login-main">
        <form className="card login-card" onSubmit={submit} data-testid="login-form" noValidate>
          <h1>{t('login.title')}</h1>
          {(error || locked) && (
            <div className="alert alert-error" role="alert" data-testid={locked ? 'login-locked' : 'login-error'}>
              {locked && <p><strong>{t('login.locked')}</strong></p>}
              {error && <p>{error}</p>}
            </div>
          )}
          <div className="field">
            <label htmlFor="login-tenant">{t('login.tenant')}</label>
            <input id="login-tenant" name="tenant" value={tenant} onChange={(e) => setTenant(e.target.value)}
              required autoComplete="organization" aria-describedby="login-tenant-hint" data-testid="login-tenant" />
            <small id="login-tenant-hint" className="hint">{t('login.tenantHint')}</small>
          </div>
          <div className="field">
            <label htmlFor="login-email">{t('login.email')}</label>
            <input id="login-email" name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)}
              required autoComplete="username" data-testid="login-email" />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input id="login-password" name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)}
              required autoComplete="current-password" data-testid="login-password" />
          </div>
          <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">{t('login.submit')}</button>
        </form>
      </main>
    </div>
  );
}
