import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { loadLocale, otherLocale, saveLocale, translate, type Locale, type MessageKey } from './i18n';

export type TFn = (key: MessageKey, params?: Record<string, string | number>) => string;
interface I18n { locale: Locale; setLocale: (l: Locale) => void; t: TFn }

function storage(): Storage | null {
  try { return window.localStorage; } catch { return null; }
}

const Ctx = createContext<I18n>({ locale: 'ja', setLocale: () => {}, t: (k, p) => translate('ja', k, p) });

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() => loadLocale(storage()));
  const setLocale = useCallback((l: Locale) => { saveLocale(storage(), l); setLocaleState(l); }, []);
  useEffect(() => { document.documentElement.lang = locale; }, [locale]);
  const value = useMemo<I18n>(() => ({ locale, setLocale, t: (k, p) => translate(locale, k, p) }), [locale, setLocale]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}

export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n();
  const next = otherLocale(locale);
  return (
    <button type="button" className="btn btn-ghost locale-switch" data-testid="locale-switch"
      lang={next} onClick={() => setLocale(next)} aria-label={`${t('locale.label')}: ${t('locale.switch')}`}>
      {t('locale.switch')}
    </button>
  );
}
