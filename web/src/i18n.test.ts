import { describe, expect, it } from 'vitest';
import { dictionaries, loadLocale, otherLocale, saveLocale, translate, LOCALE_STORAGE_KEY } from './i18n';

function memStorage(init: Record<string, string> = {}) {
  const m = new Map(Object.entries(init));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('i18n', () => {
  it('defaults to Japanese text', () => {
    expect(translate('ja', 'nav.applications')).toBe('申請一覧');
    expect(translate('ja', 'chat.receipt')).toBe('受付番号');
  });
  it('translates to English', () => {
    expect(translate('en', 'nav.applications')).toBe('Applications');
  });
  it('interpolates parameters and leaves unknown ones', () => {
    expect(translate('ja', 'common.total', { n: 12 })).toBe('全12件');
    expect(translate('en', 'svc.publishedMsg', { version: 3 })).toBe('Version 3 published');
    expect(translate('en', 'svc.publishedMsg')).toBe('Version {version} published');
  });
  it('falls back to the key for unknown messages', () => {
    expect(translate('en', 'no.such.key')).toBe('no.such.key');
  });
  it('has the same keys in every locale, none empty', () => {
    const ja = Object.keys(dictionaries.ja).sort();
    const en = Object.keys(dictionaries.en).sort();
    expect(en).toEqual(ja);
    for (const d of Object.values(dictionaries)) for (const v of Object.values(d)) expect(v.length).toBeGreaterThan(0);
  });
  it('has the console navigation labels the brief asks for', () => {
    expect(['nav.dashboard', 'nav.applications', 'nav.services', 'nav.audit', 'nav.staff', 'nav.line', 'nav.jobs'].map((k) => translate('ja', k)))
      .toEqual(['ダッシュボード', '申請一覧', 'サービス', '監査ログ', '職員', '設定(LINE)', 'ジョブ']);
  });
  it('persists the locale', () => {
    const s = memStorage();
    expect(loadLocale(s)).toBe('ja');
    saveLocale(s, 'en');
    expect(s.m.get(LOCALE_STORAGE_KEY)).toBe('en');
    expect(loadLocale(s)).toBe('en');
    expect(loadLocale(memStorage({ [LOCALE_STORAGE_KEY]: 'xx' }))).toBe('ja');
    expect(loadLocale(null)).toBe('ja');
    expect(loadLocale({ getItem: () => { throw new Error('denied'); } })).toBe('ja');
    expect(otherLocale('ja')).toBe('en');
    expect(otherLocale('en')).toBe('ja');
  });
});
