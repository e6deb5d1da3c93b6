import { useState } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';

interface Setting { available: boolean; enabled: boolean }

/** 生成 AI による回答 (issue 14): the tenant's switch; admins change it, others see it. */
export default function FaqGenerative({ canAdmin }: { canAdmin: boolean }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const setting = useLoad(() => api.get<Setting>('/api/faq/generative'), [version]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const change = async (enabled: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await api.put('/api/faq/generative', { enabled });
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" data-testid="faq-generative">
      <h2>{t('faqai.title')}</h2>
      <p className="muted">{t('faqai.intro')}</p>
      {setting.loading && <Loading />}
      <ErrorMessage error={setting.error ?? error} />
      {setting.data && !setting.data.available && <p data-testid="faq-generative-unavailable">{t('faqai.unavailable')}</p>}
      {setting.data && setting.data.available && (
        <p>
          <label className="check">
            <input
              type="checkbox"
              checked={setting.data.enabled}
              disabled={!canAdmin || busy}
              onChange={(e) => void change(e.target.checked)}
              data-testid="faq-generative-switch"
            />
            {t('faqai.switch')}
          </label>
          {!canAdmin && <span className="muted"> {t('faqai.adminOnly')}</span>}
        </p>
      )}
    </section>
  );
}
