import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import HandoffPanel from './HandoffPanel';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';

interface FaqEntry { id: number; question: string; answer: string; url: string; department: string }
interface FaqReply { outcome: 'answered' | 'candidates' | 'unanswered'; entries: FaqEntry[]; question_id?: number; token?: string }
interface Turn { asked: string; reply: FaqReply; feedback?: boolean }

/** Text with its URLs as links (answers are plain text written by staff). */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s　」）)]+)/g);
  return <>{parts.map((p, i) => (/^https?:\/\//.test(p) ? <a key={i} href={p} rel="noopener noreferrer">{p}</a> : p))}</>;
}

/** よくある質問: a resident types a question; one answer, or up to three 「もしかして」 choices. */
export default function FaqChat() {
  const { tenant = '' } = useParams();
  const { t } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('faq.title'), info.data?.name);
  const base = `/api/public/${encodeURIComponent(tenant)}/faq`;
  const [q, setQ] = useState('');
  const [turns, setTurns] = useState<Turn[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [handoff, setHandoff] = useState(false);
  // Failed answers in a row (no match, 「いいえ」, 「どれでもない」): at two, staff are offered.
  const [failures, setFailures] = useState(0);

  const send = async (asked: string, body: object) => {
    setBusy(true);
    setError(null);
    try {
      const reply = await api.post<FaqReply>(`${base}/ask`, body);
      setTurns((ts) => [...ts, { asked, reply }]);
      if (reply.outcome === 'unanswered') setFailures((f) => f + 1);
      else if (reply.outcome === 'answered') setFailures(0);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    if (!text || busy) return;
    setQ('');
    void send(text, { q: text });
  };
  const feedback = async (i: number, resolved: boolean) => {
    const r = turns[i].reply;
    try {
      await api.post(`${base}/feedback`, { question_id: r.question_id, token: r.token, resolved });
      setTurns((ts) => ts.map((x, j) => (j === i ? { ...x, feedback: resolved } : x)));
      setFailures((f) => (resolved ? 0 : f + 1));
    } catch (e) {
      setError(e);
    }
  };

  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1 data-testid="faq-title">{t('faq.title')}</h1>
      <p className="muted">{t('faq.intro')}</p>
      <ol className="faq-log" aria-live="polite" data-testid="faq-log">
        {turns.map((turn, i) => (
          <li key={i} className="faq-turn">
            <p className="faq-asked"><span className="sr-only">{t('faq.you')}</span>{turn.asked}</p>
            {turn.reply.outcome === 'answered' && turn.reply.entries[0] && (
              <div className="card faq-answer" data-testid="faq-answer">
                <h2 className="faq-q">{turn.reply.entries[0].question}</h2>
                <p className="faq-a"><Linked text={turn.reply.entries[0].answer} /></p>
                {turn.reply.entries[0].url && <p><a href={turn.reply.entries[0].url} rel="noopener noreferrer">{t('faq.more')}</a></p>}
                {turn.feedback === undefined ? (
                  <div role="group" aria-label={t('faq.resolved')} className="faq-feedback">
                    <span>{t('faq.resolved')}</span>
                    <button type="button" className="btn" onClick={() => void feedback(i, true)} data-testid="faq-yes">{t('faq.yes')}</button>
                    <button type="button" className="btn" onClick={() => void feedback(i, false)} data-testid="faq-no">{t('faq.no')}</button>
                  </div>
                ) : (
                  <p data-testid="faq-thanks">{turn.feedback ? t('faq.thanksYes') : t('faq.thanksNo')}</p>
                )}
              </div>
            )}
            {turn.reply.outcome === 'candidates' && (
              <div className="card" data-testid="faq-candidates">
                <p>{t('faq.maybe')}</p>
                <ul className="faq-choices">
                  {turn.reply.entries.map((e) => (
                    <li key={e.id}>
                      <button type="button" className="btn faq-choice" disabled={busy} onClick={() => void send(e.question, { entry_id: e.id })}>{e.question}</button>
                    </li>
                  ))}
                  <li>
                    {turn.feedback === false
                      ? <p data-testid="faq-thanks">{t('faq.thanksNo')}</p>
                      : <button type="button" className="btn faq-choice" onClick={() => void feedback(i, false)} data-testid="faq-none-of-these">{t('faq.noneOfThese')}</button>}
                  </li>
                </ul>
              </div>
            )}
            {turn.reply.outcome === 'unanswered' && <p className="card" data-testid="faq-none">{t('faq.none')}</p>}
          </li>
        ))}
      </ol>
      <ErrorMessage error={error} />
      {handoff ? (
        <HandoffPanel tenant={tenant} recent={turns.map((x) => x.asked).slice(-5)} onEnd={() => { setHandoff(false); setFailures(0); }} />
      ) : (
        <>
          {failures >= 2 && (
            <div className="card" data-testid="handoff-offer">
              <p>{t('ho.offer')}</p>
              <button type="button" className="btn btn-primary" onClick={() => setHandoff(true)}>{t('ho.talk')}</button>
            </div>
          )}
      <form onSubmit={submit} className="faq-form">
        <label htmlFor="faq-q">{t('faq.label')}</label>
        <input id="faq-q" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} data-testid="faq-q" autoComplete="off" />
        <button type="submit" className="btn btn-primary" disabled={busy || !q.trim()} data-testid="faq-send">{t('faq.ask')}</button>
      </form>
          <p><button type="button" className="btn" onClick={() => setHandoff(true)} data-testid="handoff-open">{t('ho.talk')}</button></p>
        </>
      )}
    </ResidentLayout>
  );
}
