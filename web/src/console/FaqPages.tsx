import { useState } from 'react';
import { api, qs, request } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';

interface Source { source: string; title: string; passages: number; imported_at: number }
interface Result { source: string; ok: boolean; passages?: number; error?: string }

function toBase64(buf: ArrayBuffer): string {
  let s = '';
  const bytes = new Uint8Array(buf);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** ホームページの取り込み: URLs the server fetches, or HTML files; passages answer questions. */
export default function FaqPages({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const [version, setVersion] = useState(0);
  const list = useLoad(() => api.get<{ items: Source[] }>('/api/faq/pages'), [version]);
  const [urls, setUrls] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [fileUrl, setFileUrl] = useState('');
  const [results, setResults] = useState<Result[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (fn: () => Promise<{ results: Result[] }>) => {
    setBusy(true);
    setError(null);
    try {
      setResults((await fn()).results);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const fetchUrls = () => run(() => api.post('/api/faq/pages/fetch', { urls: urls.split('\n').map((u) => u.trim()).filter(Boolean) }));
  const upload = () => run(async () => {
    if (!file) return { results: [] };
    const html = toBase64(await file.arrayBuffer());
    return api.post('/api/faq/pages/upload', { pages: [{ name: file.name, url: fileUrl.trim() || undefined, html }] });
  });
  const remove = async (source: string) => {
    try {
      await request('DELETE', `/api/faq/pages${qs({ source })}`);
      setVersion((v) => v + 1);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="card" data-testid="faq-pages">
      <h2>{t('faqp.title')}</h2>
      {canEdit && (
        <>
          <p>
            <label htmlFor="faq-page-urls">{t('faqp.urls')}</label>
            <textarea id="faq-page-urls" rows={3} value={urls} onChange={(e) => setUrls(e.target.value)} data-testid="faq-page-urls" />
            <button type="button" className="btn" disabled={busy || !urls.trim()} onClick={() => void fetchUrls()} data-testid="faq-page-fetch">{t('faqp.fetch')}</button>
          </p>
          <p>
            <label htmlFor="faq-page-file">{t('faqp.file')}</label>
            <input id="faq-page-file" type="file" accept=".html,.htm,text/html" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
            <label htmlFor="faq-page-file-url">{t('faqp.fileUrl')}</label>
            <input id="faq-page-file-url" type="url" value={fileUrl} onChange={(e) => setFileUrl(e.target.value)} />
            <button type="button" className="btn" disabled={busy || !file} onClick={() => void upload()}>{t('faqp.upload')}</button>
          </p>
        </>
      )}
      <ErrorMessage error={error} />
      {results.length > 0 && (
        <ul data-testid="faq-page-results" aria-live="polite">
          {results.map((r) => (
            <li key={r.source}>{r.ok ? t('faqp.ok', { source: r.source, n: r.passages ?? 0 }) : t('faqp.failed', { source: r.source, error: r.error ?? '' })}</li>
          ))}
        </ul>
      )}
      {list.loading ? <Loading /> : (
        <table>
          <thead><tr><th scope="col">{t('faqp.source')}</th><th scope="col">{t('faqp.passages')}</th>{canEdit && <th scope="col"><span className="sr-only">{t('faqp.delete')}</span></th>}</tr></thead>
          <tbody>
            {(list.data?.items ?? []).map((s) => (
              <tr key={s.source}>
                <td>{s.source.startsWith('http') ? <a href={s.source} rel="noopener noreferrer">{s.title || s.source}</a> : (s.title || s.source)}</td>
                <td>{s.passages}</td>
                {canEdit && <td><button type="button" className="btn" onClick={() => void remove(s.source)}>{t('faqp.delete')}</button></td>}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
