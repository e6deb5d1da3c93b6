import { useRef, useState, type FormEvent } from 'react';
import { ApiError, api } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import GarbageReminders from './GarbageReminders';
import { atLeast, useSession } from './session';

interface GarbageSummary {
  imported: boolean;
  imported_at?: number;
  categories?: { label: string; color: string }[];
  areas?: { name: string; center: string; cells: string[] }[];
  items?: number;
}
interface Problem { file: string; row: number; column: number; message: string }
interface ImportResult { areas: number; categories: number; items: number; problems: Problem[] }

const FILES = ['area_days.csv', 'center.csv', 'description.csv', 'remarks.csv', 'target.csv'];

// Base64 of the raw bytes: the server decodes Shift_JIS (Excel) or UTF-8 itself.
async function base64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** The garbage collection calendar (5374 files): what is registered, and registering new files. */
export default function Garbage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const isAdmin = atLeast(session.user.role, 'admin');
  const summary = useLoad(() => api.get<GarbageSummary>('/api/garbage'), []);
  const [notice, setNotice] = useState<string | null>(null);
  const s = summary.data;

  return (
    <section data-testid="garbage">
      <h1>{t('gb.title')}</h1>
      <p className="muted">{t('gb.intro')}</p>
      <Notice text={notice} />
      {summary.loading && !s ? <Loading /> : <ErrorMessage error={summary.error} />}
      {isAdmin && <GarbageUpload done={(msg) => { setNotice(msg); summary.reload(); }} />}
      {s?.imported && <GarbageReminders canEdit={isAdmin} />}
      {s && !s.imported && <p data-testid="garbage-none">{t('gb.none')}</p>}
      {s?.imported && (
        <div className="card">
          <p data-testid="garbage-imported">{t('gb.imported', {
            at: formatDateTime(s.imported_at ?? 0, locale), areas: s.areas?.length ?? 0,
            categories: s.categories?.length ?? 0, items: s.items ?? 0,
          })}</p>
          <div className="table-wrap" tabIndex={0}>
            <table className="table" data-testid="garbage-areas">
              <thead>
                <tr>
                  <th scope="col">{t('gb.area')}</th>
                  {s.categories?.map((c) => <th scope="col" key={c.label}>{c.label}</th>)}
                  <th scope="col">{t('gb.feed')}</th>
                </tr>
              </thead>
              <tbody>
                {s.areas?.map((a) => (
                  <tr key={a.name}>
                    <th scope="row">{a.name}{a.center && <div className="muted">{t('gb.center')}: {a.center}</div>}</th>
                    {a.cells.map((c, i) => <td key={i} className="mono">{c}</td>)}
                    <td><a href={`/api/public/${session.tenant.code}/garbage/${encodeURIComponent(a.name)}/calendar.ics`}>.ics</a></td>
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

function GarbageUpload({ done }: { done: (msg: string) => void }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const [skip, setSkip] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [problems, setProblems] = useState<Problem[]>([]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null); setProblems([]);
    const chosen = Array.from(input.current?.files ?? []);
    if (chosen.length === 0) { setError(new Error(t('gb.noFile'))); return; }
    const unknown = chosen.find((f) => !FILES.includes(f.name));
    if (unknown) { setError(new Error(t('gb.unknownFile', { name: unknown.name }))); return; }
    setBusy(true);
    try {
      const files: Record<string, string> = {};
      for (const f of chosen) files[f.name] = await base64(f);
      const r = await api.post<ImportResult>('/api/garbage/import', { files, skip_bad_cells: skip });
      if (input.current) input.current.value = '';
      setProblems(r.problems);
      done(r.problems.length
        ? t('gb.doneSkipped', { n: r.problems.length, areas: r.areas, categories: r.categories, items: r.items })
        : t('gb.done', { areas: r.areas, categories: r.categories, items: r.items }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'bad_cells' && Array.isArray(err.details)) {
        setProblems(err.details as Problem[]);
        setError(new Error(t('gb.problems')));
      } else {
        setError(err);
      }
    } finally { setBusy(false); }
  };

  return (
    <form className="card" onSubmit={submit} data-testid="garbage-upload">
      <div className="field">
        <label htmlFor="garbage-files">{t('gb.files')}</label>
        <input id="garbage-files" ref={input} type="file" multiple accept=".csv,text/csv" disabled={busy} data-testid="garbage-files" />
      </div>
      <div className="field">
        <label className="check"><input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} data-testid="garbage-skip" /> {t('gb.skip')}</label>
      </div>
      <button className="btn" type="submit" disabled={busy} data-testid="garbage-submit">{busy ? t('gb.uploading') : t('gb.upload')}</button>
      <ErrorMessage error={error} testId="garbage-error" />
      {problems.length > 0 && (
        <div className="table-wrap" tabIndex={0}>
          <table className="table" data-testid="garbage-problems">
            <thead>
              <tr>
                <th scope="col">{t('gb.problemFile')}</th>
                <th scope="col">{t('gb.problemRow')}</th>
                <th scope="col">{t('gb.problemColumn')}</th>
                <th scope="col">{t('gb.problemMessage')}</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((p, i) => (
                <tr key={i}><td className="mono">{p.file}</td><td>{p.row || ''}</td><td>{p.column || ''}</td><td>{p.message}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </form>
  );
}
