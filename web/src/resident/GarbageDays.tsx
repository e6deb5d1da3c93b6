import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';

interface GarbageInfo { areas: { name: string; ics: string }[]; categories: { label: string; color: string }[] }
interface Days { area: string; days: { date: string; categories: string[] }[] }
interface Item { name: string; category: string; notice: string }

const AREA_KEY = 'madoguchi.garbage.area';

function weekday(date: string, locale: string): string {
  const d = new Date(`${date}T00:00:00+09:00`);
  return d.toLocaleDateString(locale === 'ja' ? 'ja-JP' : 'en-GB', { month: 'long', day: 'numeric', weekday: 'short', timeZone: 'Asia/Tokyo' });
}

/** A resident's garbage days: choose the district (remembered), the next two weeks, a calendar feed, the sorting dictionary. */
export default function GarbageDays() {
  const { tenant = '' } = useParams();
  const { t, locale } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('gbr.title'), info.data?.name);
  const base = `/api/public/${encodeURIComponent(tenant)}/garbage`;
  const cal = useLoad(() => api.get<GarbageInfo>(base), [base]);
  const [area, setArea] = useState<string>(() => {
    try { return localStorage.getItem(`${AREA_KEY}.${tenant}`) ?? ''; } catch { return ''; }
  });
  useEffect(() => {
    try { if (area) localStorage.setItem(`${AREA_KEY}.${tenant}`, area); } catch { /* private mode */ }
  }, [area, tenant]);
  const known = cal.data?.areas.some((a) => a.name === area);
  const days = useLoad(() => (known ? api.get<Days>(`${base}/${encodeURIComponent(area)}/days?days=14`) : Promise.resolve(undefined)), [base, area, known]);
  const color = (label: string) => cal.data?.categories.find((c) => c.label === label)?.color || undefined;

  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1 data-testid="garbage-title">{t('gbr.title')}</h1>
      {cal.loading && !cal.data ? <Loading /> : <ErrorMessage error={cal.error} />}
      {cal.data && (
        <>
          <div className="field">
            <label htmlFor="garbage-area">{t('gbr.area')}</label>
            <select id="garbage-area" value={known ? area : ''} onChange={(e) => setArea(e.target.value)} data-testid="garbage-area">
              <option value="">{t('gbr.choose')}</option>
              {cal.data.areas.map((a) => <option key={a.name} value={a.name}>{a.name}</option>)}
            </select>
          </div>
          {known && days.data && (
            <section aria-labelledby="garbage-next">
              <h2 id="garbage-next">{t('gbr.next')}</h2>
              {days.data.days.length === 0 ? <p>{t('gbr.noDays')}</p> : (
                <ul className="garbage-days" data-testid="garbage-days">
                  {days.data.days.map((d) => (
                    <li key={d.date} data-date={d.date}>
                      <strong>{weekday(d.date, locale)}</strong>
                      <span>{d.categories.map((c) => (
                        <span key={c} className="garbage-chip" style={{ borderColor: color(c) }}>{c}</span>
                      ))}</span>
                    </li>
                  ))}
                </ul>
              )}
              <p>
                <a className="btn" href={cal.data.areas.find((a) => a.name === area)?.ics} data-testid="garbage-ics">{t('gbr.subscribe')}</a>
              </p>
              <p className="hint">{t('gbr.subscribeHint')}</p>
            </section>
          )}
          <SortingSearch base={base} />
        </>
      )}
    </ResidentLayout>
  );
}

function SortingSearch({ base }: { base: string }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const search = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setItems((await api.get<{ items: Item[] }>(`${base}/search?q=${encodeURIComponent(q)}`)).items);
    } catch (err) { setError(err); setItems(null); }
  };
  return (
    <section aria-labelledby="garbage-sorting">
      <h2 id="garbage-sorting">{t('gbr.sorting')}</h2>
      <form onSubmit={search} className="field" role="search">
        <label htmlFor="garbage-q">{t('gbr.item')}</label>
        <input id="garbage-q" value={q} maxLength={50} onChange={(e) => setQ(e.target.value)} data-testid="garbage-q" />
        <button className="btn" type="submit" data-testid="garbage-search">{t('gbr.search')}</button>
      </form>
      <ErrorMessage error={error} />
      <div aria-live="polite">
        {items && (items.length === 0 ? <p data-testid="garbage-noitem">{t('gbr.noItem')}</p> : (
          <ul className="garbage-items" data-testid="garbage-items">
            {items.map((i) => (
              <li key={`${i.category}-${i.name}`}><strong>{i.name}</strong>: {i.category}{i.notice && <div className="muted">{i.notice}</div>}</li>
            ))}
          </ul>
        ))}
      </div>
    </section>
  );
}
