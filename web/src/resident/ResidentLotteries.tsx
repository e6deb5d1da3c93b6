import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../common';
import { formatIsoDateLong } from '../format';
import { useI18n } from '../i18n-react';
import type { Locale } from '../i18n';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';

// A lottery round (抽選) as GET /api/public/{tenant}/lotteries lists it.
export interface PublicLottery {
  id: number;
  resource_name: string;
  title: string;
  opens_at: string; // "2027-01-01T09:00", JST
  closes_at: string;
  status: 'open' | 'drawn' | 'published' | 'cancelled' | string;
  accepting: boolean;
  slots: string[];
  seed: string | null;
  algorithm: string;
  application: null | {
    id: number;
    party: number;
    choices: string[];
    status: 'applied' | 'won' | 'lost' | string;
    wins: { slot: string; rank: number; booking_id: number | null }[];
  };
}

const when = (slot: string, locale: Locale) => `${formatIsoDateLong(slot.slice(0, 10), locale)} ${slot.slice(11)}`;

function ApplyForm({ base, lottery, onDone }: { base: string; lottery: PublicLottery; onDone: () => void }) {
  const { t, locale } = useI18n();
  const prev = lottery.application;
  const [choices, setChoices] = useState<string[]>([0, 1, 2].map((i) => prev?.choices[i] ?? ''));
  const [party, setParty] = useState(prev?.party ?? 1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`${base}/lotteries/${lottery.id}/applications`, { choices: choices.filter(Boolean), party });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const id = (n: number) => `lot-${lottery.id}-choice-${n}`;
  return (
    <form onSubmit={submit} data-testid="lottery-form">
      {[0, 1, 2].map((n) => (
        <div className="field" key={n}>
          <label htmlFor={id(n)}>{t('lot.choice', { n: n + 1 })}</label>
          <select id={id(n)} value={choices[n]} required={n === 0} data-testid={`lottery-choice-${n + 1}`}
            onChange={(e) => setChoices(choices.map((c, i) => (i === n ? e.target.value : c)))}>
            <option value="">{n === 0 ? t('lot.choosePlease') : t('lot.choiceNone')}</option>
            {lottery.slots.map((s) => <option key={s} value={s}>{when(s, locale)}</option>)}
          </select>
        </div>
      ))}
      <div className="field">
        <label htmlFor={`lot-${lottery.id}-party`}>{t('lot.party')}</label>
        <input id={`lot-${lottery.id}-party`} type="number" min={1} value={party} data-testid="lottery-party"
          onChange={(e) => setParty(Number(e.target.value))} />
      </div>
      <ErrorMessage error={error} testId="lottery-error" />
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="lottery-apply">
        {prev ? t('lot.change') : t('lot.apply')}
      </button>
    </form>
  );
}

// 抽選: the open lottery rounds of the town's facilities, applied to with up to three ranked
// slots (changeable until the window closes), and the result once it is published.
export default function ResidentLotteries() {
  const { tenant = '' } = useParams();
  const { t, locale } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('lot.residentTitle'), info.data?.name);
  const base = `/api/public/${encodeURIComponent(tenant)}`;
  const list = useLoad(() => api.get<{ lotteries: PublicLottery[] }>(`${base}/lotteries`), [tenant]);
  const [done, setDone] = useState('');
  const items = list.data?.lotteries ?? [];
  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1>{t('lot.residentTitle')}</h1>
      <p className="lead">{t('lot.residentLead')}</p>
      {done && <p className="alert alert-ok" role="status" data-testid="lottery-done">{done}</p>}
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (items.length === 0 ? <p data-testid="lotteries-empty">{t('lot.none')}</p> : (
        <ul className="my-list" data-testid="lotteries">
          {items.map((l) => {
            const a = l.application;
            const result = l.status === 'published' && a;
            return (
              <li key={l.id} className="card my-item" data-testid="lottery" data-status={l.status}>
                <div className="my-head">
                  <h2>{l.title}</h2>
                  <span className="badge">{l.accepting ? t('lot.accepting') : t(`lot.status.${l.status}` as 'lot.status.open')}</span>
                </div>
                <p>{l.resource_name}</p>
                <p className="muted">{t('lot.window', { from: when(l.opens_at, locale), to: when(l.closes_at, locale) })}</p>
                {a && !result && (
                  <p data-testid="lottery-mine">{t('lot.applied', { choices: a.choices.map((c) => when(c, locale)).join(' → '), n: a.party })}</p>
                )}
                {result && (a.status === 'won' ? (
                  <p className="alert alert-ok" data-testid="lottery-result" data-result="won">
                    {t('lot.won', { slots: a.wins.filter((w) => w.booking_id).map((w) => when(w.slot, locale)).join('、') })}
                  </p>
                ) : (
                  <p className="alert alert-warn" data-testid="lottery-result" data-result="lost">{t('lot.lost')}</p>
                ))}
                {l.seed && <p className="muted">{t('lot.seedShown', { seed: l.seed })}</p>}
                {l.accepting && (
                  <ApplyForm base={base} lottery={l} onDone={() => { setDone(a ? t('lot.changedDone') : t('lot.appliedDone')); list.reload(); }} />
                )}
              </li>
            );
          })}
        </ul>
      ))}
      <p><Link className="back-link" to={`/t/${encodeURIComponent(tenant)}`}>← {t('res.backToList')}</Link></p>
    </ResidentLayout>
  );
}
