import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { ErrorMessage } from '../common';
import { useI18n } from '../i18n-react';

interface Tested {
  normalized: string;
  outcome: string;
  terms: string[];
  candidates: { entry_id: number; question: string; phrasing: string; score: number; confidence: number; matched: string[] }[];
}

/** Try a question: the candidates, their scores and the terms that matched (nothing is logged). */
export default function FaqTestBox() {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [result, setResult] = useState<Tested | null>(null);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setResult(await api.post<Tested>('/api/faq/test', { q }));
    } catch (err) {
      setError(err);
    }
  };
  const outcome = (o: string) => (o === 'answered' ? t('faqc.outAnswered') : o === 'candidates' ? t('faqc.outCandidates') : t('faqc.outNone'));
  return (
    <section aria-labelledby="faq-test-h" data-testid="faq-test">
      <h2 id="faq-test-h">{t('faqc.test')}</h2>
      <form onSubmit={(e) => void submit(e)} className="row">
        <label htmlFor="faq-test-q" className="sr-only">{t('faqc.test')}</label>
        <input id="faq-test-q" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} data-testid="faq-test-q" />
        <button type="submit" className="btn" disabled={!q.trim()}>{t('faqc.try')}</button>
      </form>
      <ErrorMessage error={error} />
      {result && (
        <div data-testid="faq-test-result">
          <p>{outcome(result.outcome)}</p>
          <p className="muted">{t('faqc.terms')}: {result.terms.join(' ')}</p>
          <div className="table-wrap" tabIndex={0}>
            <table className="table">
              <thead><tr><th scope="col">{t('faqc.question')}</th><th scope="col">{t('faqc.score')}</th><th scope="col">{t('faqc.confidence')}</th><th scope="col">{t('faqc.matched')}</th></tr></thead>
              <tbody>
                {result.candidates.map((c) => (
                  <tr key={c.entry_id}>
                    <td>{c.question}{c.phrasing !== c.question && <><br /><span className="muted">{c.phrasing}</span></>}</td>
                    <td>{c.score.toFixed(2)}</td>
                    <td>{Math.round(c.confidence * 100)}%</td>
                    <td>{c.matched.join(' ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}
