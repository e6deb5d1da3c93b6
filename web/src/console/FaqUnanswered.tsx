import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';

interface Logged { id: number; channel: string; question: string; outcome: string; created_at: number }

/** Residents' questions nobody answered: 回答を追加 (click 1), type, 保存 (click 2) makes an entry. */
export default function FaqUnanswered({ canEdit, changed }: { canEdit: boolean; changed: () => void }) {
  const { t, locale } = useI18n();
  const log = useLoad(() => api.get<{ items: Logged[] }>('/api/faq/unanswered'), []);
  const [open, setOpen] = useState<number | null>(null);
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState<unknown>(null);

  const save = async (e: FormEvent, id: number) => {
    e.preventDefault();
    setError(null);
    try {
      await api.post(`/api/faq/unanswered/${id}/answer`, { answer });
      setOpen(null);
      setAnswer('');
      log.reload();
      changed();
    } catch (err) {
      setError(err);
    }
  };
  const dismiss = async (id: number) => {
    try {
      await api.post(`/api/faq/unanswered/${id}/dismiss`, {});
      log.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section aria-labelledby="faq-unanswered-h" data-testid="faq-unanswered">
      <h2 id="faq-unanswered-h">{t('faqc.unanswered')}</h2>
      {log.loading && !log.data ? <Loading /> : <ErrorMessage error={log.error} />}
      <ErrorMessage error={error} />
      {log.data && log.data.items.length === 0 && <p className="muted">{t('faqc.unansweredNone')}</p>}
      <ul className="faq-unanswered-list">
        {log.data?.items.map((q) => (
          <li key={q.id} className="card" data-testid="faq-unanswered-item">
            <p><strong>{q.question}</strong></p>
            <p className="muted">{formatDateTime(q.created_at, locale)} ・ {q.channel === 'line' ? 'LINE' : 'Web'} ・ {q.outcome === 'unanswered' ? t('faqc.noMatch') : t('faqc.notResolved')}</p>
            {canEdit && open !== q.id && (
              <p>
                <button type="button" className="btn btn-primary" onClick={() => { setOpen(q.id); setAnswer(''); }} data-testid="faq-add-answer">{t('faqc.addAnswer')}</button>{' '}
                <button type="button" className="btn" onClick={() => void dismiss(q.id)}>{t('faqc.dismiss')}</button>
              </p>
            )}
            {open === q.id && (
              <form onSubmit={(e) => void save(e, q.id)}>
                <label htmlFor={`faq-answer-${q.id}`}>{t('faqc.answer')}</label>
                <textarea id={`faq-answer-${q.id}`} value={answer} rows={4} maxLength={4000} autoFocus onChange={(e) => setAnswer(e.target.value)} data-testid="faq-answer-text" />
                <p>
                  <button type="submit" className="btn btn-primary" disabled={!answer.trim()} data-testid="faq-answer-save">{t('common.save')}</button>{' '}
                  <button type="button" className="btn" onClick={() => setOpen(null)}>{t('common.cancel')}</button>
                </p>
              </form>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
