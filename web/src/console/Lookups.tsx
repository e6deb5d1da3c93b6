import { useRef, useState, type ChangeEvent } from 'react';
import { api, request, type LookupList, type LookupPreview } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import { atLeast, useSession } from './session';

/** Lookup lists (名簿): which services use them, upload a CSV with a preview, replace, download. */
export default function Lookups() {
  const { t, locale } = useI18n();
  const session = useSession();
  const canEdit = atLeast(session.user.role, 'editor');
  const list = useLoad(() => api.get<{ items: LookupList[] }>('/api/lookups'), []);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section data-testid="lookups">
      <h1>{t('lk.title')}</h1>
      <p className="muted">{t('lk.intro')}</p>
      <Notice text={notice} />
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p>{t('lk.empty')}</p> : list.data.items.map((l) => (
        <div key={l.name} className="card" data-testid="lookup-list" data-name={l.name}>
          <h2 className="mono">{l.name}</h2>
          <p>
            <strong data-testid="lookup-rows">{l.uploaded ? t('lk.rows', { rows: l.rows }) : t('lk.notUploaded')}</strong>
            {l.uploaded && l.replaced_at ? <> — <span data-testid="lookup-replaced">{t('lk.replaced', { at: formatDateTime(l.replaced_at, locale), by: l.replaced_by ?? t('lk.unknownStaff') })}</span></> : null}
          </p>
          {l.used_by.length > 0 && <p>{t('lk.usedBy', { services: l.used_by.map((u) => `${u.service_title}（${u.step_label}）`).join('、') })}</p>}
          {l.used_by.length > 0 && <p>{t('lk.needsColumns', { columns: [...new Set(l.used_by.flatMap((u) => u.columns))].join('、') })}</p>}
          {l.uploaded && l.columns.length > 0 && <p className="muted">{t('lk.columns', { columns: l.columns.join('、') })}</p>}
          {canEdit && l.uploaded && <p><a className="btn btn-small" href={`/api/lookups/${encodeURIComponent(l.name)}/download`} download={`${l.name}.csv`} data-testid="lookup-download">{t('lk.download')}</a></p>}
          {canEdit && <LookupUpload list={l} done={(msg) => { setNotice(msg); list.reload(); }} />}
        </div>
      )))}
    </section>
  );
}

function LookupUpload({ list, done }: { list: LookupList; done: (msg: string) => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<LookupPreview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const path = `/api/lookups/${encodeURIComponent(list.name)}`;
  const inputId = `lookup-file-${list.name}`;

  const choose = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    setPreview(null); setError(null); setFile(null);
    if (!f) return;
    setBusy(true);
    try {
      setPreview(await request<LookupPreview>('POST', `${path}/preview`, undefined, { raw: f, contentType: 'text/csv' }));
      setFile(f);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const reset = () => { setPreview(null); setFile(null); if (input.current) input.current.value = ''; };
  const replace = async () => {
    if (!file) return;
    setBusy(true); setError(null);
    try {
      const r = await request<{ rows: number }>('PUT', `${path}?file_name=${encodeURIComponent(file.name)}`, undefined, { raw: file, contentType: 'text/csv' });
      reset();
      done(t('lk.replacedMsg', { name: list.name, rows: r.rows }));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <div className="lookup-upload">
      <div className="field">
        <label htmlFor={inputId}>{t('lk.choose')}</label>
        <input id={inputId} ref={input} type="file" accept=".csv,text/csv" disabled={busy} onChange={choose} data-testid="lookup-file" />
      </div>
      <ErrorMessage error={error} title={t('lk.readError')} testId="lookup-error" />
      {preview && (
        <div className="lookup-preview" data-testid="lookup-preview">
          <h3>{t('lk.preview')}</h3>
          <p>{t('lk.previewSummary', { encoding: preview.encoding, rows: preview.row_count })}</p>
          <div className="table-wrap">
            <table className="table">
              <caption>{t('lk.firstRows', { n: preview.rows.length })}</caption>
              <thead><tr>{preview.columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr></thead>
              <tbody>{preview.rows.map((r, i) => <tr key={i}>{r.map((v, j) => <td key={j}>{v}</td>)}</tr>)}</tbody>
            </table>
          </div>
          {list.uploaded && <p className="alert alert-warn">{t('lk.replaceWarn', { rows: list.rows })}</p>}
          <div className="btn-row">
            <button type="button" className="btn btn-primary" disabled={busy} onClick={replace} data-testid="lookup-replace">{t('lk.confirmReplace')}</button>
            <button type="button" className="btn" disabled={busy} onClick={reset}>{t('lk.cancel')}</button>
          </div>
        </div>
      )}
    </div>
  );
}
