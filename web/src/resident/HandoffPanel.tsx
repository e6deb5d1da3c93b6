import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage } from '../common';
import { useI18n } from '../i18n-react';

export interface HandoffMessage { id: number; sender: 'resident' | 'staff' | 'system'; text: string; created_at: number }
interface Started { id: number; status: string; department: string; messages: HandoffMessage[] }

/**
 * 職員と話す (issue 14): choose a department, then a live conversation with staff. Messages
 * arrive by server-sent events on the resident's own conversation (device cookie); closing by
 * staff ends it and the FAQ chat carries on. `answer`: the last FAQ answer shown, so the
 * statistics count the hand-off as that entry's (有人対応へ).
 */
export default function HandoffPanel({ tenant, recent, answer, onEnd }: {
  tenant: string; recent: string[]; answer: { question_id: number; token: string } | null; onEnd: () => void;
}) {
  const { t } = useI18n();
  const base = `/api/public/${encodeURIComponent(tenant)}/handoff`;
  const [departments, setDepartments] = useState<string[] | null>(null);
  const [department, setDepartment] = useState('');
  const [conv, setConv] = useState<{ id: number; status: string } | null>(null);
  const [messages, setMessages] = useState<HandoffMessage[]>([]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    api.get<{ departments: string[] }>(`${base}/departments`).then((r) => setDepartments(r.departments), setError);
  }, [base]);

  const add = (ms: HandoffMessage[]) =>
    setMessages((old) => {
      const seen = new Set(old.map((m) => m.id));
      return [...old, ...ms.filter((m) => !seen.has(m.id))].sort((a, b) => a.id - b.id);
    });

  // Live: the browser's EventSource reconnects by itself and resumes after Last-Event-ID.
  useEffect(() => {
    if (!conv || conv.status === 'closed') return;
    const es = new EventSource(`${base}/${conv.id}/events`);
    es.addEventListener('message', (e) => add([JSON.parse((e as MessageEvent).data) as HandoffMessage]));
    es.addEventListener('status', (e) => {
      const s = (JSON.parse((e as MessageEvent).data) as { status: string }).status;
      setConv((c) => (c ? { ...c, status: s } : c));
    });
    return () => es.close();
  }, [base, conv?.id, conv?.status === 'closed']); // eslint-disable-line react-hooks/exhaustive-deps

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<Started>(base, { department: department || null, recent, answer });
      setConv({ id: r.id, status: r.status });
      add(r.messages);
      setTimeout(() => input.current?.focus(), 0);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!conv || !body || busy) return;
    setBusy(true);
    setError(null);
    try {
      const m = await api.post<HandoffMessage>(`${base}/${conv.id}/messages`, { text: body });
      setText('');
      add([m]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!conv) {
    return (
      <section className="card" aria-labelledby="ho-choose" data-testid="handoff-choose">
        <h2 id="ho-choose">{t('ho.talk')}</h2>
        {departments && departments.length > 0 && (
          <p>
            <label htmlFor="ho-dept">{t('ho.department')}</label>{' '}
            <select id="ho-dept" value={department} onChange={(e) => setDepartment(e.target.value)} data-testid="handoff-department">
              <option value="">{t('ho.departmentUnknown')}</option>
              {departments.map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          </p>
        )}
        <ErrorMessage error={error} />
        <div className="ho-actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void start()} data-testid="handoff-connect">{t('ho.start')}</button>
          <button type="button" className="btn" onClick={onEnd}>{t('ho.cancel')}</button>
        </div>
      </section>
    );
  }
  const closed = conv.status === 'closed';
  return (
    <section className="card" aria-labelledby="ho-title" data-testid="handoff">
      <h2 id="ho-title">{t('ho.title')}</h2>
      <ol className="ho-log" aria-live="polite" data-testid="handoff-log">
        {messages.map((m) => (
          <li key={m.id} className={`ho-msg ho-msg-${m.sender}`} data-testid={`handoff-msg-${m.sender}`}>
            <span className="ho-who">{t(m.sender === 'resident' ? 'ho.you' : m.sender === 'staff' ? 'ho.staff' : 'ho.system')}</span>
            {m.text}
          </li>
        ))}
      </ol>
      <ErrorMessage error={error} />
      {closed ? (
        <div>
          <p data-testid="handoff-closed">{t('ho.closed')}</p>
          <button type="button" className="btn" onClick={onEnd} data-testid="handoff-back">{t('ho.back')}</button>
        </div>
      ) : (
        <form onSubmit={send} className="ho-form">
          <label htmlFor="ho-text">{t('ho.label')}</label>
          <textarea id="ho-text" ref={input} value={text} maxLength={1000} rows={2} onChange={(e) => setText(e.target.value)} data-testid="handoff-text" />
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="handoff-send">{t('ho.send')}</button>
        </form>
      )}
    </section>
  );
}
