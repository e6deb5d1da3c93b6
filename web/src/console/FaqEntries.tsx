import { useState, type FormEvent } from 'react';
import { ApiError, api, qs, request } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { useI18n } from '../i18n-react';

export interface FaqEntry {
  id: number; question: string; alternatives: string[]; answer: string; category: string;
  department: string; url: string; valid_from: string; valid_until: string; external_id: string;
}
interface Problem { line: number; column: string; message: string }

const EMPTY: Omit<FaqEntry, 'id'> = { question: '', alternatives: [], answer: '', category: '', department: '', url: '', valid_from: '', valid_until: '', external_id: '' };

function EntryForm({ entry, done, cancel }: { entry: Partial<FaqEntry>; done: () => void; cancel: () => void }) {
  const { t } = useI18n();
  const [e, setE] = useState({ ...EMPTY, ...entry });
  const [alts, setAlts] = useState((entry.alternatives ?? []).join('\n'));
  const [error, setError] = useState<unknown>(null);
  const set = (k: keyof typeof e) => (ev: { target: { value: string } }) => setE({ ...e, [k]: ev.target.value });
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    const body = { ...e, alternatives: alts.split('\n').map((s) => s.trim()).filter(Boolean) };
    try {
      if (entry.id) await api.put(`/api/faq/entries/${entry.id}`, body);
      else await api.post('/api/faq/entries', body);
      done();
    } catch (err) {
      setError(err);
    }
  };
  const id = entry.id ?? 'new';
  return (
    <form onSubmit={(ev) => void submit(ev)} className="card faq-form-edit" data-testid="faq-entry-form">
      <label htmlFor={`fq-${id}`}>{t('faqc.question')}</label>
      <input id={`fq-${id}`} value={e.question} onChange={set('question')} maxLength={300} required />
      <label htmlFor={`fa-${id}`}>{t('faqc.alternatives')}</label>
      <textarea id={`fa-${id}`} value={alts} rows={3} onChange={(ev) => setAlts(ev.target.value)} />
      <label htmlFor={`fans-${id}`}>{t('faqc.answer')}</label>
      <textarea id={`fans-${id}`} value={e.answer} rows={5} maxLength={4000} onChange={set('answer')} required />
      <label htmlFor={`fc-${id}`}>{t('faqc.category')}</label>
      <input id={`fc-${id}`} value={e.category} onChange={set('category')} maxLength={200} />
      <label htmlFor={`fd-${id}`}>{t('faqc.department')}</label>
      <input id={`fd-${id}`} value={e.department} onChange={set('department')} maxLength={200} />
      <label htmlFor={`fu-${id}`}>URL</label>
      <input id={`fu-${id}`} type="url" value={e.url} onChange={set('url')} maxLength={1000} />
      <label htmlFor={`ff-${id}`}>{t('faqc.validFrom')}</label>
      <input id={`ff-${id}`} type="date" value={e.valid_from} onChange={set('valid_from')} />
      <label htmlFor={`ft-${id}`}>{t('faqc.validUntil')}</label>
      <input id={`ft-${id}`} type="date" value={e.valid_until} onChange={set('valid_until')} />
      <ErrorMessage error={error} />
      <p>
        <button type="submit" className="btn btn-primary" data-testid="faq-entry-save">{t('common.save')}</button>{' '}
        <button type="button" className="btn" onClick={cancel}>{t('common.cancel')}</button>
      </p>
    </form>
  );
}

/** The knowledge base: search any spelling, edit, add, delete, import/export CSV. */
export default function FaqEntries({ canEdit, version }: { canEdit: boolean; version: number }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const list = useLoad(() => api.get<{ items: FaqEntry[]; total: number }>(`/api/faq/entries${qs({ q: search })}`), [search, version]);
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [file, setFile] = useState<File | null>(null);

  const upload = async (skip: boolean) => {
    if (!file) return;
    setError(null);
    setProblems([]);
    try {
      const r = await request<{ created: number; updated: number; problems: Problem[] }>('POST', `/api/faq/import${skip ? '?skip_bad_rows=1' : ''}`, undefined, { raw: file, contentType: 'text/csv' });
      setNotice(t('faqc.imported', { created: r.created, updated: r.updated }));
      setProblems(r.problems);
      list.reload();
    } catch (err) {
      if (err instanceof ApiError && Array.isArray(err.details)) setProblems(err.details as Problem[]);
      setError(err);
    }
  };
  const remove = async (id: number) => {
    if (!window.confirm(t('faqc.confirmDelete'))) return;
    try {
      await request('DELETE', `/api/faq/entries/${id}`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="faq-entries-h" data-testid="faq-entries">
      <h2 id="faq-entries-h">{t('faqc.entries')}{list.data ? ` (${list.data.total})` : ''}</h2>
      <Notice text={notice} />
      <ErrorMessage error={error} />
      {problems.length > 0 && (
        <ul className="error-list" data-testid="faq-import-problems">
          {problems.map((p, i) => <li key={i}>{t('faqc.problem', { line: p.line, column: p.column, message: p.message })}</li>)}
        </ul>
      )}
      <form onSubmit={(e) => { e.preventDefault(); setSearch(q); }} className="row">
        <label htmlFor="faq-search" className="sr-only">{t('common.search')}</label>
        <input id="faq-search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('faqc.searchHint')} data-testid="faq-search" />
        <button type="submit" className="btn">{t('common.search')}</button>
      </form>
      {canEdit && (
        <div className="row">
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="faq-new">{t('faqc.new')}</button>
          <label htmlFor="faq-file">{t('faqc.importLabel')}</label>
          <input id="faq-file" type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          <button type="button" className="btn" disabled={!file} onClick={() => void upload(false)}>{t('faqc.import')}</button>
          {problems.length > 0 && <button type="button" className="btn" disabled={!file} onClick={() => void upload(true)}>{t('faqc.importSkip')}</button>}
          <a className="btn" href="/api/faq/export.csv">{t('faqc.export')}</a>
        </div>
      )}
      {editing === 'new' && <EntryForm entry={{}} done={() => { setEditing(null); list.reload(); }} cancel={() => setEditing(null)} />}
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      <ul className="faq-entry-list">
        {list.data?.items.map((e) => (
          <li key={e.id} className="card" data-testid="faq-entry">
            {editing === e.id ? (
              <EntryForm entry={e} done={() => { setEditing(null); list.reload(); }} cancel={() => setEditing(null)} />
            ) : (
              <>
                <p><strong>{e.question}</strong> {e.category && <span className="muted">［{e.category}］</span>}</p>
                {e.alternatives.length > 0 && <p className="muted">{e.alternatives.join(' / ')}</p>}
                <p className="faq-a">{e.answer}</p>
                {canEdit && (
                  <p>
                    <button type="button" className="btn" onClick={() => setEditing(e.id)}>{t('faqc.edit')}</button>{' '}
                    <button type="button" className="btn" onClick={() => void remove(e.id)}>{t('faqc.delete')}</button>
                  </p>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
