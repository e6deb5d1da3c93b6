import { api } from '../api';
import { useLoad } from '../common';
import { useI18n } from '../i18n-react';
import { FieldError, invalidProps } from './ReservationsFields';
import type { Resource } from './reservationsModel';

// Fee per slot, exemptions (減免), who may book and party size of a resource (issue 12), as a
// part of the resource form. Eligibility is chosen from drop-downs: everyone, residents of the
// municipality (attribute "segment" = resident), or a saved segment; no JSON.

export interface ExemptionRow { code: string; label: string; rate: string }
export interface TermsForm {
  fee: string;
  exemptions: ExemptionRow[];
  eligibility: 'everyone' | 'residents' | 'segment';
  segment: string;
  partyMin: string;
  partyMax: string;
}

export function termsToForm(r: Resource | null): TermsForm {
  return {
    fee: String(r?.fee_per_slot ?? 0),
    exemptions: (r?.exemptions ?? []).map((e) => ({ code: e.code, label: e.label, rate: String(e.rate_percent) })),
    eligibility: r?.eligibility ?? 'everyone',
    segment: r?.eligibility_segment_id ? String(r.eligibility_segment_id) : '',
    partyMin: String(r?.party_min ?? 1),
    partyMax: String(r?.party_max ?? 0),
  };
}

/** The body fields; numbers sent as typed when not whole, so the server's message names the field. */
export function termsBody(f: TermsForm) {
  const num = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s);
  return {
    fee_per_slot: num(f.fee),
    exemptions: f.exemptions.map((e) => ({ code: e.code.trim(), label: e.label.trim(), rate_percent: num(e.rate) })),
    eligibility: f.eligibility,
    eligibility_segment_id: f.eligibility === 'segment' ? (f.segment ? Number(f.segment) : null) : null,
    party_min: num(f.partyMin),
    party_max: num(f.partyMax),
  };
}

export const TERMS_FIELDS = ['fee_per_slot', 'exemptions', 'eligibility', 'eligibility_segment_id', 'party_min', 'party_max'];

export default function ResourceTerms({ value, onChange, error }: { value: TermsForm; onChange: (f: TermsForm) => void; error: unknown }) {
  const { t } = useI18n();
  const segments = useLoad(() => api.get<{ items: { id: number; name: string }[] }>('/api/segments'), []);
  const set = (p: Partial<TermsForm>) => onChange({ ...value, ...p });
  const setRow = (i: number, p: Partial<ExemptionRow>) => set({ exemptions: value.exemptions.map((x, j) => (j === i ? { ...x, ...p } : x)) });
  const num = (k: 'fee' | 'partyMin' | 'partyMax', field: string, label: Parameters<typeof t>[0], hint: Parameters<typeof t>[0]) => (
    <div className="field">
      <label htmlFor={`rt-${field}`}>{t(label)}</label>
      <input id={`rt-${field}`} inputMode="numeric" value={value[k]} onChange={(e) => set({ [k]: e.target.value })}
        {...invalidProps(error, field, `rt-${field}`)} aria-describedby={`rt-${field}-hint`} data-testid={`rt-${field}`} />
      <small id={`rt-${field}-hint`} className="hint">{t(hint)}</small>
      <FieldError error={error} field={field} id={`rt-${field}`} />
    </div>
  );
  // A row's error names "exemptions/2/rate_percent"; it is shown under that row.
  const rowError = (i: number, k: string) => `exemptions/${i}/${k}`;
  return (
    <fieldset className="rsv-terms" data-testid="rt-terms">
      <legend>{t('rt.legend')}</legend>
      <div className="form-grid">
        {num('fee', 'fee_per_slot', 'rt.fee', 'rt.feeHint')}
        {num('partyMin', 'party_min', 'rt.partyMin', 'rt.partyMinHint')}
        {num('partyMax', 'party_max', 'rt.partyMax', 'rt.partyMaxHint')}
        <div className="field">
          <label htmlFor="rt-eligibility">{t('rt.eligibility')}</label>
          <select id="rt-eligibility" value={value.eligibility} onChange={(e) => set({ eligibility: e.target.value as TermsForm['eligibility'] })}
            {...invalidProps(error, 'eligibility', 'rt-eligibility')} data-testid="rt-eligibility">
            <option value="everyone">{t('rt.everyone')}</option>
            <option value="residents">{t('rt.residents')}</option>
            <option value="segment">{t('rt.segment')}</option>
          </select>
          <FieldError error={error} field="eligibility" id="rt-eligibility" />
        </div>
        {value.eligibility === 'segment' && (
          <div className="field">
            <label htmlFor="rt-segment">{t('rt.segmentPick')}</label>
            <select id="rt-segment" value={value.segment} onChange={(e) => set({ segment: e.target.value })}
              {...invalidProps(error, 'eligibility_segment_id', 'rt-segment')} data-testid="rt-segment">
              <option value="">{t('rt.segmentNone')}</option>
              {(segments.data?.items ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
            </select>
            <FieldError error={error} field="eligibility_segment_id" id="rt-segment" />
          </div>
        )}
      </div>
      <h3 className="rt-ex-title">{t('rt.exemptions')}</h3>
      <small className="hint">{t('rt.exemptionsHint')}</small>
      {value.exemptions.map((x, i) => (
        <div key={i} className="rsv-special" role="group" aria-label={t('rt.exemptionN', { n: i + 1 })} data-testid={`rt-ex-${i}`}>
          <div className="field"><label htmlFor={`rt-ex-${i}-label`}>{t('rt.exLabel')}</label>
            <input id={`rt-ex-${i}-label`} value={x.label} onChange={(e) => setRow(i, { label: e.target.value })} {...invalidProps(error, rowError(i, 'label'), `rt-ex-${i}-label`)} data-testid={`rt-ex-${i}-label`} />
            <FieldError error={error} field={rowError(i, 'label')} id={`rt-ex-${i}-label`} /></div>
          <div className="field"><label htmlFor={`rt-ex-${i}-code`}>{t('rt.exCode')}</label>
            <input id={`rt-ex-${i}-code`} value={x.code} onChange={(e) => setRow(i, { code: e.target.value })} {...invalidProps(error, rowError(i, 'code'), `rt-ex-${i}-code`)} data-testid={`rt-ex-${i}-code`} />
            <FieldError error={error} field={rowError(i, 'code')} id={`rt-ex-${i}-code`} /></div>
          <div className="field"><label htmlFor={`rt-ex-${i}-rate`}>{t('rt.exRate')}</label>
            <input id={`rt-ex-${i}-rate`} inputMode="numeric" value={x.rate} onChange={(e) => setRow(i, { rate: e.target.value })} {...invalidProps(error, rowError(i, 'rate_percent'), `rt-ex-${i}-rate`)} data-testid={`rt-ex-${i}-rate`} />
            <FieldError error={error} field={rowError(i, 'rate_percent')} id={`rt-ex-${i}-rate`} /></div>
          <button type="button" className="btn btn-small" onClick={() => set({ exemptions: value.exemptions.filter((_, j) => j !== i) })}>{t('rt.exRemove')}<span className="sr-only">: {x.label}</span></button>
        </div>
      ))}
      {value.exemptions.length < 20 && (
        <button type="button" className="btn btn-small" data-testid="rt-ex-add"
          onClick={() => set({ exemptions: [...value.exemptions, { code: `ex${value.exemptions.length + 1}`, label: '', rate: '50' }] })}>{t('rt.exAdd')}</button>
      )}
      <FieldError error={error} field="exemptions" id="rt-exemptions" />
    </fieldset>
  );
}
