import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import { atLeast, useSession } from './session';

interface Conversation {
  id: number; channel: string; department: string; status: 'waiting' | 'open' | 'closed';
  assignee_id: number | null; recent_questions: string[]; created_at: number; updated_at: number;
}
interface Message { id: number; sender: 'resident' | 'staff' | 'system'; text: string; created_at: number }
type Tab = 'waiting' | 'mine' | 'closed';

/**
 * 有人対応 (issue 14): the department's live queue of residents who asked for staff. One
 * server-sent event stream says when anything changed; the list and the open conversation
 * are then loaded again.
 */
export default function HandoffPage() {
  const { t, locale } = useI18n();
  const session = useSession();
  const canReply = atLeast(session.user.role, 'operator');
  const [tab, setTab] = useState<Tab>('waiting');
  const [openId, setOpenId] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const [live, setLive] = useState(false);
  const list = useLoad(() => api.get<{ items: Conversation[] }>(`/api/handoff/conversations?status=${tab}`), [tab, version]);
  const conv = useLoad(
    () => (openId ? api.get<Conversation & { messages: Message[] }>(`/api/handoff/conversations/${openId}`) : Promise.resolve(null)),
    [openId, version],
  );
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const es = new EventSource('/api/handoff/events');
    es.addEventListener('ready', () => setLive(true));
    es.addEventListener('changed', () => setVersion((v) => v + 1));
    es.onerror = () => setLive(false);
    es.onopen = () => setLive(true);
    return () => es.close();
  }, []);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!openId || !text.trim()) return;
    setError(null);
    try {
      await api.post(`/api/handoff/conversations/${openId}/messages`, { text: text.trim() });
      setText('');
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };
  const close = async () => {
    if (!openId || !window.confirm(t('hoc.confirmClose'))) return;
    setError(null);
    try {
      await api.post(`/api/handoff/conversations/${openId}/close`, {});
      setVersion((v) => v + 1);
    } catch (err) {
      setError(err);
    }
  };

  const c = conv.data;
  return (
    <section data-testid="handoff-console">
      <h1>{t('hoc.title')}</h1>
      <p className="muted">{t('hoc.intro')}</p>
      <p role="status" data-testid="handoff-live">{live ? t('hoc.live') : t('hoc.offline')}</p>
      <div className="ho-tabs" role="group" aria-label={t('hoc.title')}>
        {(['waiting', 'mine', 'closed'] as Tab[]).map((k) => (
          <button key={k} type="button" className={`btn${tab === k ? ' btn-primary' : ''}`} aria-pressed={tab === k} onClick={() => setTab(k)} data-testid={`handoff-tab-${k}`}>
            {t(k === 'waiting' ? 'hoc.waiting' : k === 'mine' ? 'hoc.mine' : 'hoc.closedTab')}
          </button>
        ))}
      </div>
      <div className="ho-layout">
        <div>
          {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
          {list.data && list.data.items.length === 0 && <p>{t('hoc.none')}</p>}
          <ul className="ho-queue" data-testid="handoff-queue">
            {list.data?.items.map((x) => (
              <li key={x.id}>
                <button type="button" className={`btn${openId === x.id ? ' btn-primary' : ''}`} aria-pressed={openId === x.id} onClick={() => setOpenId(x.id)} data-testid="handoff-item">
                  #{x.id} {x.channel === 'line' ? 'LINE' : 'Web'} · {x.department || t('hoc.noDepartment')} · {formatDateTime(x.updated_at, locale)}
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div>
          {!openId && <p className="muted">{t('hoc.pick')}</p>}
          <ErrorMessage error={conv.error} />
          {c && (
            <article className="card" aria-labelledby="hoc-conv" data-testid="handoff-conversation">
              <h2 id="hoc-conv">#{c.id} {c.department || t('hoc.noDepartment')}</h2>
              {c.recent_questions.length > 0 && (
                <>
                  <h3>{t('hoc.recent')}</h3>
                  <ul data-testid="handoff-recent">{c.recent_questions.map((q, i) => <li key={i}>{q}</li>)}</ul>
                </>
              )}
              <ol className="ho-log" aria-live="polite" data-testid="handoff-transcript">
                {c.messages.map((m) => (
                  <li key={m.id} className={`ho-msg ho-msg-${m.sender === 'resident' ? 'staff' : m.sender === 'staff' ? 'resident' : 'system'}`} data-testid={`handoff-msg-${m.sender}`}>
                    <span className="ho-who">{t(m.sender === 'resident' ? 'hoc.resident' : m.sender === 'staff' ? 'ho.staff' : 'ho.system')} {formatDateTime(m.created_at, locale)}</span>
                    {m.text}
                  </li>
                ))}
              </ol>
              <ErrorMessage error={error} />
              {canReply && c.status !== 'closed' && (
                <>
                  <form onSubmit={send} className="ho-form">
                    <label htmlFor="hoc-text">{t('hoc.reply')}</label>
                    <textarea id="hoc-text" value={text} maxLength={1000} rows={3} onChange={(e) => setText(e.target.value)} data-testid="handoff-reply" />
                    <button type="submit" className="btn btn-primary" disabled={!text.trim()} data-testid="handoff-reply-send">{t('hoc.send')}</button>
                  </form>
                  <div className="ho-actions">
                    <button type="button" className="btn" onClick={() => void close()} data-testid="handoff-close">{t('hoc.close')}</button>
                  </div>
                </>
              )}
            </article>
          )}
        </div>
      </div>
    </section>
  );
}
