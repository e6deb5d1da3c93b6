import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';

interface Counts { asked: number; answered: number; resolved: number; unresolved: number; unanswered: number; handed_off: number }
interface Day extends Counts { date: string }
interface EntryRow { entry_id: number; question: string | null; answered: number; resolved: number; unresolved: number; handed_off: number }
interface Stats { from: string; to: string; days: Day[]; total: Counts & { resolved_share: number | null }; entries: EntryRow[] }

type SortKey = 'answered' | 'resolved' | 'unresolved' | 'handed_off';
const ENTRY_COLUMNS: SortKey[] = ['answered', 'resolved', 'unresolved', 'handed_off'];
const DAY_COLUMNS: (keyof Counts)[] = ['asked', 'answered', 'resolved', 'unresolved', 'unanswered', 'handed_off'];

function isoDay(d: Date): string {
  return new Date(d.getTime() + 9 * 3600 * 1000).toISOString().slice(0, 10);
}

/**
 * FAQ statistics (issue 14): per day of a chosen period (asked, answered, resolved, handed off)
 * and per entry, sortable by count; per entry, 有人対応へ counts the hand-offs that followed its
 * answer (which answers fail residents). Numbers only, in plain tables (screen readers, printouts).
 */
export default function FaqStats() {
  const { t } = useI18n();
  const today = isoDay(new Date());
  const [draft, setDraft] = useState({ from: isoDay(new Date(Date.now() - 29 * 86400000)), to: today });
  const [period, setPeriod] = useState(draft);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'answered', desc: true });
  const stats = useLoad(() => api.get<Stats>(`/api/faq/stats?from=${period.from}&to=${period.to}`), [period.from, period.to]);
  const submit = (e: FormEvent) => { e.preventDefault(); if (draft.from && draft.to) setPeriod(draft); };
  const s = stats.data;
  const entries = [...(s?.entries ?? [])].sort((a, b) => (sort.desc ? b[sort.key] - a[sort.key] : a[sort.key] - b[sort.key]));
  const sortBy = (key: SortKey) => setSort((cur) => ({ key, desc: cur.key === key ? !cur.desc : true }));
  const ariaSort = (key: SortKey) => (sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none');
  const share = s?.total.resolved_share;
  return (
    <section className="card" aria-labelledby="faq-stats-h" data-testid="faq-stats">
      <h2 id="faq-stats-h">{t('faqst.title')}</h2>
      <form onSubmit={submit}>
        <div className="form-grid">
          <div className="field"><label htmlFor="faq-st-from">{t('faqst.from')}</label>
            <input id="faq-st-from" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} data-testid="faq-st-from" /></div>
          <div className="field"><label htmlFor="faq-st-to">{t('faqst.to')}</label>
            <input id="faq-st-to" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} data-testid="faq-st-to" /></div>
        </div>
        <div className="btn-row"><button type="submit" className="btn" data-testid="faq-st-show">{t('faqst.show')}</button></div>
      </form>
      <ErrorMessage error={stats.error} />
      {stats.loading && !s && <Loading />}
      {s && (
        <>
          <p data-testid="faq-st-total">{t('faqst.total', {
            asked: s.total.asked, answered: s.total.answered, resolved: s.total.resolved,
            handed: s.total.handed_off, share: share == null ? '–' : `${Math.round(share * 100)}%`,
          })}</p>
          <div className="table-wrap" tabIndex={0} role="region" aria-label={t('faqst.perDay')}>
            <table className="table" data-testid="faq-st-days">
              <caption>{t('faqst.perDay')}</caption>
              <thead><tr>
                <th scope="col">{t('faqst.date')}</th>
                {DAY_COLUMNS.map((c) => <th key={c} scope="col">{t(`faqst.${c}`)}</th>)}
              </tr></thead>
              <tbody>
                {s.days.map((d) => (
                  <tr key={d.date}>
                    <th scope="row">{d.date}</th>
                    {DAY_COLUMNS.map((c) => <td key={c}>{d[c]}</td>)}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {entries.length === 0 ? <p className="muted">{t('faqst.noEntries')}</p> : (<>
            <div className="table-wrap" tabIndex={0} role="region" aria-label={t('faqst.perEntry')}>
              <table className="table" data-testid="faq-st-entries">
                <caption>{t('faqst.perEntry')}</caption>
                <thead><tr>
                  <th scope="col">{t('faqc.question')}</th>
                  {ENTRY_COLUMNS.map((k) => (
                    <th key={k} scope="col" aria-sort={ariaSort(k)}>
                      <button type="button" className="btn" onClick={() => sortBy(k)} data-testid={`faq-st-sort-${k}`}>
                        {t(k === 'handed_off' ? 'faqst.entryHandedOff' : `faqst.${k}`)}{sort.key === k ? (sort.desc ? ' ▼' : ' ▲') : ''}
                      </button>
                    </th>
                  ))}
                </tr></thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.entry_id} data-testid="faq-st-entry">
                      <th scope="row">{e.question ?? t('faqst.deleted')}</th>
                      {ENTRY_COLUMNS.map((k) => <td key={k} data-testid={`faq-st-entry-${k}`}>{e[k]}</td>)}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="muted">{t('faqst.entryHandedOffNote')}</p>
          </>)}
        </>
      )}
    </section>
  );
}
