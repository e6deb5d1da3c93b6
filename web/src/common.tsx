import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from './api';
import { useI18n } from './i18n-react';
import type { MessageKey } from './i18n';

/** Sets document.title to "page｜town" so tabs, history and screen readers name the page. */
export function usePageTitle(page: string | undefined, town: string | undefined) {
  const { t } = useI18n();
  useEffect(() => {
    document.title = [page, town || t('app.name')].filter(Boolean).join('｜');
  }, [page, town, t]);
}

/** Load data on mount / when deps change. */
export function useLoad<T>(fn: () => Promise<T>, deps: DependencyList) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);
  const load = useCallback(() => {
    const my = ++seq.current;
    setLoading(true);
    fn().then(
      (d) => { if (my === seq.current) { setData(d); setError(null); setLoading(false); } },
      (e) => { if (my === seq.current) { setError(e); setLoading(false); } },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  useEffect(() => { load(); }, [load]);
  return { data, error, loading, reload: load, setData };
}

/** Human text for an error thrown by the API client. */
export function errorText(e: unknown, t: (k: MessageKey) => string): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('common.network');
    if (e.status === 403 && e.code !== 'csrf') return e.message || t('common.forbidden');
    return e.message || t('common.error');
  }
  if (e instanceof Error && e.message) return e.message;
  return t('common.error');
}

function detailText(d: unknown): string {
  if (typeof d === 'string') return d;
  if (d && typeof d === 'object') {
    const o = d as Record<string, unknown>;
    const where = o.path ?? o.field ?? o.step_id ?? o.pointer;
    const msg = o.message ?? o.error ?? o.code;
    if (msg !== undefined) return where !== undefined ? `${String(where)}: ${String(msg)}` : String(msg);
    return JSON.stringify(d);
  }
  return String(d);
}

export function ErrorMessage({ error, title, testId = 'error' }: { error: unknown; title?: string; testId?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  const details = error instanceof ApiError && Array.isArray(error.details) ? error.details : [];
  return (
    <div className="alert alert-error" role="alert" data-testid={testId}>
      {title && <strong className="alert-title">{title}</strong>}
      <p>{errorText(error, t)}</p>
      {details.length > 0 && (
        <ul className="details" data-testid={`${testId}-details`}>
          {details.map((d, i) => <li key={i}>{detailText(d)}</li>)}
        </ul>
      )}
    </div>
  );
}

export function Notice({ text, testId = 'notice' }: { text: string | null; testId?: string }) {
  return (
    <div className="notice-slot" role="status" aria-live="polite">
      {text && <div className="alert alert-ok" data-testid={testId}>{text}</div>}
    </div>
  );
}

export function isForbidden(e: unknown): boolean {
  return e instanceof ApiError && e.status === 403;
}

export function Loading() {
  const { t } = useI18n();
  return <p className="muted" role="status">{t('common.loading')}</p>;
}

const STATUS_KEYS = ['new', 'in_progress', 'done', 'rejected', 'withdrawn', 'correction'] as const;
export type AppStatus = (typeof STATUS_KEYS)[number];
export function statusKey(s: string): MessageKey | null {
  return (STATUS_KEYS as readonly string[]).includes(s) ? (`status.${s}` as MessageKey) : null;
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const k = statusKey(status);
  return <span className={`badge badge-${status}`} data-testid="status-badge" data-status={status}>{k ? t(k) : status}</span>;
}

export function NotFound() {
  const { t } = useI18n();
  return (
    <div className="container">
      <h1>{t('common.notFound')}</h1>
      <p><Link to="/">{t('common.home')}</Link></p>
    </div>
  );
}
