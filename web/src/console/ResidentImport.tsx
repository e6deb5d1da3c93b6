import { useRef, useState, type ChangeEvent } from 'react';
import { ApiError, request } from '../api';
import { ErrorMessage, Notice } from '../common';
import { useI18n } from '../i18n-react';

interface CellError { row: number; column: string; message: string }
interface ImportReport {
  encoding: string; rows: number; imported: number; created: number; bad_rows: number;
  error_count: number; errors: CellError[]; written: boolean;
}

const cellErrors = (e: unknown): CellError[] =>
  e instanceof ApiError && e.code === 'invalid_csv' && Array.isArray(e.details) ? (e.details as CellError[]) : [];

/** Residents' attributes from CSV (admins): upload, every bad cell in a table, export. */
export default function ResidentImport() {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [skip, setSkip] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    setFile(e.target.files?.[0] ?? null);
    setError(null); setReport(null); setNotice(null);
  };
  const upload = async () => {
    if (!file) return;
    setBusy(true); setError(null); setReport(null); setNotice(null);
    try {
      const r = await request<ImportReport>('POST', `/api/residents/import${skip ? '?skip_bad_rows=1' : ''}`, undefined, { raw: file, contentType: 'text/csv' });
      setReport(r);
      setNotice(t('ri.done', { rows: r.imported, created: r.created, skipped: r.bad_rows }));
      setFile(null);
      if (input.current) input.current.value = '';
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const rows = report ? report.errors : cellErrors(error);

  return (
    <section data-testid="resident-import">
      <h1>{t('ri.title')}</h1>
      <p className="muted">{t('ri.intro')}</p>
      <Notice text={notice} testId="resident-import-done" />
      <div className="card">
        <div className="field">
          <label htmlFor="resident-import-file">{t('ri.choose')}</label>
          <input id="resident-import-file" ref={input} type="file" accept=".csv,text/csv" disabled={busy} onChange={choose} data-testid="resident-import-file" />
        </div>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} data-testid="resident-import-skip" />
            {t('ri.skip')}
          </label>
        </div>
        <div className="btn-row">
          <button type="button" className="btn btn-primary" disabled={busy || !file} onClick={upload} data-testid="resident-import-upload">{t('ri.upload')}</button>
          <a className="btn" href="/api/residents/export.csv" download="residents.csv" data-testid="resident-export">{t('ri.export')}</a>
          <a className="btn" href="/api/residents/export.csv?key=line_user_id" download="residents-line.csv">{t('ri.exportLine')}</a>
        </div>
      </div>
      {error && cellErrors(error).length === 0 ? <ErrorMessage error={error} title={t('ri.failed')} testId="resident-import-error" /> : null}
      {error && cellErrors(error).length > 0 ? (
        <div className="alert alert-error" role="alert" data-testid="resident-import-error">
          <strong className="alert-title">{t('ri.failed')}</strong>
          <p>{(error as ApiError).message}</p>
        </div>
      ) : null}
      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="resident-import-errors">
            <caption>{t('ri.errorsCaption', { n: rows.length })}</caption>
            <thead><tr><th scope="col">{t('ri.row')}</th><th scope="col">{t('ri.column')}</th><th scope="col">{t('ri.problem')}</th></tr></thead>
            <tbody>{rows.map((e, i) => <tr key={i}><td>{e.row}</td><td className="mono">{e.column}</td><td>{e.message}</td></tr>)}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
