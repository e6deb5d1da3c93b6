// The address step's first question (郵便番号): the resident types the code, sees the town it
// stands for before sending, then answers only 番地・建物名 (the server fills the rest).
import { useEffect, useState, type FormEvent } from 'react';
import { useParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { useI18n } from '../i18n-react';
import type { Input, QuestionPrompt } from '../chat/prompts';

interface Candidate { prefecture: string; city: string; town: string }

/** "０６０－０００１", "〒060-0001" → "0600001"; null while it is not 7 digits. */
export function postalDigits(typed: string): string | null {
  const ascii = typed.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/^〒\s*/, '').replace(/[‐‑–—―－ー−-]/g, '').trim();
  return /^\d{7}$/.test(ascii) ? ascii : null;
}

type Lookup = { state: 'idle' | 'loading' | 'unknown' } | { state: 'found'; candidates: Candidate[] };

export default function PostalCodeInput({ q, send }: { q: QuestionPrompt; send: (input: Input, about?: QuestionPrompt | null) => Promise<void> }) {
  const { t } = useI18n();
  const { tenant = '' } = useParams();
  const [value, setValue] = useState('');
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' });
  const code = postalDigits(value);
  const id = `postal-${q.step_id}`;

  useEffect(() => {
    if (!code) { setLookup({ state: 'idle' }); return; }
    let live = true;
    setLookup({ state: 'loading' });
    api.get<{ candidates: Candidate[] }>(`/api/public/${encodeURIComponent(tenant)}/postal/${code}`)
      .then((r) => { if (live) setLookup({ state: 'found', candidates: r.candidates }); })
      .catch((e) => { if (live) setLookup({ state: e instanceof ApiError && e.status === 404 ? 'unknown' : 'idle' }); });
    return () => { live = false; };
  }, [code, tenant]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (code) void send({ type: 'text', text: code }, q);
  };
  return (
    <form className="postal-code" onSubmit={submit} data-testid="postal-form">
      <div className="field">
        <label htmlFor={id}>{t('postal.label')}</label>
        <input id={id} value={value} onChange={(e) => setValue(e.target.value)} inputMode="numeric"
          autoComplete="postal-code" placeholder="060-0001" aria-describedby={`${id}-found`} data-testid="postal-input" />
      </div>
      <p id={`${id}-found`} role="status" className="postal-found" data-testid="postal-found">
        {lookup.state === 'loading' && t('postal.searching')}
        {lookup.state === 'unknown' && t('postal.unknown')}
        {lookup.state === 'found' && (lookup.candidates.length === 1
          ? lookup.candidates.map((c) => `${c.prefecture}${c.city}${c.town}`).join('')
          : t('postal.several', { n: String(lookup.candidates.length) }))}
      </p>
      <button type="submit" className="btn btn-primary" disabled={!code || lookup.state === 'unknown'} data-testid="postal-submit">
        {t('postal.next')}
      </button>
    </form>
  );
}
