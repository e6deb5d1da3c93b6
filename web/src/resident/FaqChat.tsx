import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import FaqGenerated, { type Generated } from './FaqGenerated';
import HandoffPanel from './HandoffPanel';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';

interface FaqEntry { id: number; question: string; answer: string; url: string; department: string }
interface GarbageItem { name: string; category: string; notice: string; next: string | null; next_label: string | null }
interface FaqReply {
  outcome: 'answered' | 'candidates' | 'unanswered' | 'garbage';
  entries: FaqEntry[];
  question_id?: number;
  token?: string;
  garbage?: { items: GarbageItem[]; area: string | null; areas: string[] };
  generated?: Generated;
}
interface Turn { asked: string; reply: FaqReply; feedback?: boolean }

/** Text with its URLs as links (answers are plain text written by staff). */
function Linked({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s　」）)]+)/g);
  return <>{parts.map((p, i) => (/^https?:\/\//.test(p) ? <a key={i} href={p} rel="noopener noreferrer">{p}</a> : p))}</>;
}

const AREA_KEY = 'madoguchi.garbageArea';

/** よくある質問: a resident types a question; one answer, or up to three 「もしかして」 choices. */
export default function FaqChat() {
  const { tenant = '' } = useParams();
  const { t } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('faq.title'), info.data?.name);
  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1 data-testid="faq-title">{t('faq.title')}</h1>
      <FaqConversation tenant={tenant} />
    </ResidentLayout>
  );
}

/** The conversation itself: in the resident area and in the embeddable widget (FaqWidget). */
export function FaqConversation({ tenant, allowHandoff = true }: { tenant: string; allowHandoff?: boolean }) {
  const { t } = useI18n();
  const [area, setAreaState] = useState<string>(() => {
    try { return localStorage.getItem(`${AREA_KEY}.${tenant}`) ?? ''; } catch { return ''; }
  });
  const setArea = (a: string) => {
    setAreaState(a);
    try { localStorage.setItem(`${AREA_KEY}.${tenant}`, a); } catch { /* storage may be blocked in a frame */ }
  };
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
      const reply = await api.post<FaqReply>(`${base}/ask`, area ? { ...body, area } : body);
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

  // The last answer shown (an entry or garbage sorting): a hand-off soon after is counted as
  // that entry's in the statistics (the server checks the token and the time).
  const lastAnswer = [...turns].reverse().find((x) => (x.reply.outcome === 'answered' || x.reply.outcome === 'garbage') && x.reply.question_id && x.reply.token)?.reply;

  return (
    <>
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
                {turn.reply.generated && <FaqGenerated generated={turn.reply.generated} />}
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
            {turn.reply.outcome === 'garbage' && turn.reply.garbage && (
              <GarbageAnswer
                reply={turn.reply.garbage}
                busy={busy}
                onPick={(name) => void send(name, { garbage_item: name })}
                onArea={(a) => { setArea(a); void send(turn.asked, turn.reply.garbage!.items.length === 1 ? { garbage_item: turn.reply.garbage!.items[0].name, area: a } : { q: turn.asked, area: a }); }}
              />
            )}
          </li>
        ))}
      </ol>
      <ErrorMessage error={error} />
      {handoff ? (
        <HandoffPanel tenant={tenant} recent={turns.map((x) => x.asked).slice(-5)} answer={lastAnswer ? { question_id: lastAnswer.question_id!, token: lastAnswer.token! } : null} onEnd={() => { setHandoff(false); setFailures(0); }} />
      ) : (
        <>
          {allowHandoff && failures >= 2 && (
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
          {allowHandoff && <p><button type="button" className="btn" onClick={() => setHandoff(true)} data-testid="handoff-open">{t('ho.talk')}</button></p>}
        </>
      )}
    </>
  );
}

/** ごみ分別: one item's category, how to put it out and its next collection day; several as buttons. */
function GarbageAnswer({ reply, busy, onPick, onArea }: {
  reply: NonNullable<FaqReply['garbage']>;
  busy: boolean;
  onPick: (name: string) => void;
  onArea: (area: string) => void;
}) {
  const { t } = useI18n();
  const names = [...new Set(reply.items.map((i) => i.name))];
  if (names.length > 1)
    return (
      <div className="card" data-testid="faq-garbage-choices">
        <p>{t('faqg.which')}</p>
        <ul className="faq-choices">
          {names.map((n) => (
            <li key={n}><button type="button" className="btn faq-choice" disabled={busy} onClick={() => onPick(n)}>{n}</button></li>
          ))}
        </ul>
      </div>
    );
  return (
    <div className="card faq-answer" data-testid="faq-garbage">
      {reply.items.map((i) => (
        <div key={i.name + i.category}>
          <h2 className="faq-q">{i.name}</h2>
          <p><strong>{t('faqg.category')}</strong>{i.category}</p>
          {i.notice && <p className="faq-a"><Linked text={i.notice} /></p>}
          {i.next_label && <p data-testid="faq-garbage-next">{t('faqg.next', { area: reply.area ?? '', day: i.next_label })}</p>}
        </div>
      ))}
      {!reply.area && reply.areas.length > 0 && (
        <p>
          <label htmlFor="faq-area">{t('faqg.area')}</label>{' '}
          <select id="faq-area" defaultValue="" disabled={busy} onChange={(e) => e.target.value && onArea(e.target.value)} data-testid="faq-area">
            <option value="">{t('faqg.choose')}</option>
            {reply.areas.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </p>
      )}
    </div>
  );
}
