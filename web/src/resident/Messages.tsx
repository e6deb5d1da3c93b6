import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';

/** One message of the resident's お知らせ (GET /api/public/{tenant}/my/messages). */
export interface ResidentMessage {
  id: number; kind: string; title: string; text: string;
  /** A path inside this site (a correction page, 申請した手続き), or null. */
  link: string | null;
  application_id: number | null; created_at: number; read: boolean;
}
export interface MessagePage { items: ResidentMessage[]; unread: number; next_before: number | null }

const base = (tenant: string) => `/api/public/${encodeURIComponent(tenant)}/my/messages`;

/** Only same-site paths become links ("/x", never "//host" or "/\host"); the server checks too. */
export function sitePath(link: string | null | undefined): string | null {
  return link && /^\/(?![/\\])/.test(link) ? link : null;
}

/** The unread count, for a badge outside the list (the residents' home). */
export function useUnreadMessages(tenant: string) {
  const page = useLoad(() => api.get<MessagePage>(`${base(tenant)}?limit=1`), [tenant]);
  return page.data?.unread ?? 0;
}

/** A link to 申請した手続き that says how many messages are unread; nothing when none are. */
export function UnreadMessagesLink({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const unread = useUnreadMessages(tenant);
  if (!unread) return null;
  return (
    <p>
      <Link className="btn btn-ghost messages-home" to={`/t/${encodeURIComponent(tenant)}/my`} data-testid="messages-home-link"
        aria-label={t('msg.unreadName', { n: unread })}>
        {t('msg.title')} <span className="badge badge-new" aria-hidden="true">{unread}</span>
      </Link>
    </p>
  );
}

/**
 * お知らせ in 申請した手続き: a disclosure whose button carries the unread count; opening it
 * shows the messages (newest first) and marks those shown read. Messages that were unread
 * keep a 新着 mark while the list stays open.
 */
export default function MessagesPanel({ tenant, here }: { tenant: string; here: string }) {
  const { t, locale } = useI18n();
  const first = useLoad(() => api.get<MessagePage>(base(tenant)), [tenant]);
  const [older, setOlder] = useState<ResidentMessage[]>([]);
  const [next, setNext] = useState<number | null | undefined>(undefined);
  const [unread, setUnread] = useState<number | null>(null);
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const items = [...(first.data?.items ?? []), ...older];
  const count = unread ?? first.data?.unread ?? 0;
  const nextBefore = next === undefined ? first.data?.next_before ?? null : next;

  const markRead = async (shown: ResidentMessage[]) => {
    const ids = shown.filter((m) => !m.read && !fresh.has(m.id)).map((m) => m.id);
    if (!ids.length) return;
    setFresh((f) => new Set([...f, ...ids]));
    try {
      const r = await api.post<{ unread: number }>(`${base(tenant)}/read`, { ids });
      setUnread(r.unread);
    } catch (e) { setError(e); }
  };
  const toggle = () => {
    const opening = !open;
    setOpen(opening);
    if (opening) void markRead(items);
  };
  const more = async () => {
    if (nextBefore == null) return;
    try {
      const page = await api.get<MessagePage>(`${base(tenant)}?before=${nextBefore}`);
      setOlder((o) => [...o, ...page.items]);
      setNext(page.next_before);
      void markRead(page.items);
    } catch (e) { setError(e); }
  };

  if (first.error) return <ErrorMessage error={first.error} />;
  if (!first.data) return null;
  return (
    <section className="messages" data-testid="messages">
      <button type="button" className="btn messages-toggle" aria-expanded={open} aria-controls="messages-list"
        onClick={toggle} data-testid="messages-toggle"
        aria-label={count ? t('msg.unreadName', { n: count }) : t('msg.title')}>
        {t('msg.title')}
        {count > 0 && <span className="badge badge-new" aria-hidden="true" data-testid="messages-unread">{count}</span>}
        <span aria-hidden="true">{open ? '▲' : '▼'}</span>
      </button>
      <div id="messages-list" hidden={!open}>
        <ErrorMessage error={error} />
        {items.length === 0 ? <p data-testid="messages-empty">{t('msg.empty')}</p> : (
          <ul className="my-list">
            {items.map((m) => {
              const link = sitePath(m.link);
              return (
                <li key={m.id} className="card my-item" data-testid="message" data-kind={m.kind}>
                  <div className="my-head">
                    <strong>{m.title || t('msg.title')}</strong>
                    {fresh.has(m.id) && <span className="badge badge-new">{t('msg.new')}</span>}
                  </div>
                  <p className="message-text">{m.text}</p>
                  <p className="muted">{formatDateTime(m.created_at, locale)}</p>
                  {link && link !== here && (
                    <Link className="btn btn-primary" to={link} data-testid="message-link">
                      {m.kind === 'correction' ? t('res.correctionAnswer') : t('msg.open')}
                    </Link>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {nextBefore != null && <button type="button" className="btn" onClick={() => void more()}>{t('common.more')}</button>}
      </div>
    </section>
  );
}
