import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { ErrorMessage, Loading, Notice, useLoad, usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';

/** 受信設定 (issue 13): the attributes staff let residents set, and this device's values. */

type ValueType = 'choice' | 'text' | 'number' | 'date' | 'yes_no' | 'tag';
export interface SettingItem {
  key: string;
  label: string;
  help: string;
  type: ValueType;
  multiple: boolean;
  options: { value: string; label: string }[];
}
type Value = string | number | (string | number)[];
export interface Settings { items: SettingItem[]; values: Record<string, Value> }

const path = (tenant: string) => `/api/public/${encodeURIComponent(tenant)}/my/settings`;

/** What the form holds per key: a list of strings (one entry for single values). */
type Draft = Record<string, string[]>;

export function draftOf(s: Settings): Draft {
  const out: Draft = {};
  for (const it of s.items) {
    const v = s.values[it.key];
    out[it.key] = v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
  }
  return out;
}

/** The PUT body: every item, empty ones as null (removed). */
export function bodyOf(items: SettingItem[], draft: Draft): { values: Record<string, Value | null> } {
  const values: Record<string, Value | null> = {};
  for (const it of items) {
    const vs = (draft[it.key] ?? []).map((v) => v.trim()).filter(Boolean);
    const typed = it.type === 'number' ? vs.map(Number) : vs;
    values[it.key] = typed.length === 0 ? null : it.multiple ? typed : typed[0];
  }
  return { values };
}

/** A link from the home page, shown only when the town lets residents set something. */
export function SettingsLink({ tenant }: { tenant: string }) {
  const { t } = useI18n();
  const s = useLoad(() => api.get<Settings>(path(tenant)).catch(() => null), [tenant]);
  if (!s.data || s.data.items.length === 0) return null;
  return (
    <p>
      <Link className="svc-card" to={`/t/${encodeURIComponent(tenant)}/settings`} data-testid="settings-link">
        <span className="svc-title">{t('rs.title')}</span>
        <span className="svc-desc">{t('rs.linkDesc')}</span>
        <span className="svc-go" aria-hidden="true">›</span>
      </Link>
    </p>
  );
}

export default function ReceivingSettings() {
  const { tenant = '' } = useParams();
  const { t } = useI18n();
  const info = useTenantInfo(tenant);
  usePageTitle(t('rs.title'), info.data?.name);
  const loaded = useLoad(() => api.get<Settings>(path(tenant)), [tenant]);
  const [draft, setDraft] = useState<Draft>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => { if (loaded.data) setDraft(draftOf(loaded.data)); }, [loaded.data]);

  const items = loaded.data?.items ?? [];
  const set = (key: string, vs: string[]) => { setDraft((d) => ({ ...d, [key]: vs })); setNotice(null); };
  const fieldError = (key: string) => (error instanceof ApiError && error.field === `values.${key}` ? error.message : null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setNotice(null);
    try {
      const saved = await api.put<Settings>(path(tenant), bodyOf(items, draft));
      setDraft(draftOf(saved));
      setNotice(t('rs.saved'));
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1 data-testid="settings-title">{t('rs.title')}</h1>
      <p className="lead">{t('rs.lead')}</p>
      {loaded.loading && !loaded.data ? <Loading /> : <ErrorMessage error={loaded.error} />}
      {loaded.data && items.length === 0 && <p data-testid="settings-empty">{t('rs.empty')}</p>}
      {loaded.data && items.length > 0 && (
        <form onSubmit={submit} noValidate data-testid="settings-form">
          {items.map((it) => (
            <SettingField key={it.key} item={it} values={draft[it.key] ?? []} onChange={(vs) => set(it.key, vs)} error={fieldError(it.key)} />
          ))}
          <ErrorMessage error={error instanceof ApiError && error.field?.startsWith('values.') ? null : error} testId="settings-error" />
          <Notice text={notice} testId="settings-saved" />
          <div className="btn-row">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="settings-save">{t('rs.save')}</button>
          </div>
        </form>
      )}
    </ResidentLayout>
  );
}

function SettingField({ item, values, onChange, error }: { item: SettingItem; values: string[]; onChange: (vs: string[]) => void; error: string | null }) {
  const { t } = useI18n();
  const id = `rs-${item.key}`;
  const helpId = item.help ? `${id}-help` : undefined;
  const errId = error ? `${id}-error` : undefined;
  const described = [helpId, errId].filter(Boolean).join(' ') || undefined;
  const help = item.help ? <small id={helpId} className="hint">{item.help}</small> : null;
  const err = error ? <p id={errId} className="field-error" role="alert">{error}</p> : null;
  const one = values[0] ?? '';

  if (item.type === 'choice' && item.multiple) {
    return (
      <fieldset className="field" aria-describedby={described} data-testid={`setting-${item.key}`}>
        <legend>{item.label}</legend>
        {help}
        {item.options.map((o) => (
          <label key={o.value} className="check check-big">
            <input type="checkbox" checked={values.includes(o.value)}
              onChange={(e) => onChange(e.target.checked ? [...values, o.value] : values.filter((v) => v !== o.value))} />
            {o.label}
          </label>
        ))}
        {err}
      </fieldset>
    );
  }
  if (item.type === 'yes_no') {
    return (
      <fieldset className="field" aria-describedby={described} data-testid={`setting-${item.key}`}>
        <legend>{item.label}</legend>
        {help}
        {[['yes', t('rs.yes')], ['no', t('rs.no')], ['', t('rs.unset')]].map(([v, label]) => (
          <label key={v} className="check check-big">
            <input type="radio" name={id} checked={one === v} onChange={() => onChange(v ? [v] : [])} />{label}
          </label>
        ))}
        {err}
      </fieldset>
    );
  }
  if (item.multiple) {
    // Several dates (children's birth dates) or tags: one input each, added and removed.
    const rows = values.length ? values : [''];
    return (
      <fieldset className="field" aria-describedby={described} data-testid={`setting-${item.key}`}>
        <legend>{item.label}</legend>
        {help}
        {rows.map((v, i) => (
          <div key={i} className="btn-row">
            <label className="sr-only" htmlFor={`${id}-${i}`}>{t('rs.nth', { label: item.label, n: i + 1 })}</label>
            <input id={`${id}-${i}`} type={item.type === 'date' ? 'date' : 'text'} value={v} maxLength={50}
              onChange={(e) => onChange(rows.map((x, j) => (j === i ? e.target.value : x)))} />
            <button type="button" className="btn" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
              {t('rs.remove')}<span className="sr-only">: {t('rs.nth', { label: item.label, n: i + 1 })}</span></button>
          </div>
        ))}
        <p><button type="button" className="btn" onClick={() => onChange([...rows, ''])} data-testid={`setting-${item.key}-add`}>{t('rs.add')}</button></p>
        {err}
      </fieldset>
    );
  }
  return (
    <div className="field" data-testid={`setting-${item.key}`}>
      <label htmlFor={id}>{item.label}</label>
      {help}
      {item.type === 'choice' ? (
        <select id={id} value={one} aria-describedby={described} onChange={(e) => onChange(e.target.value ? [e.target.value] : [])}>
          <option value="">{t('rs.unset')}</option>
          {item.options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
        </select>
      ) : (
        <input id={id} aria-describedby={described} value={one} maxLength={item.type === 'text' ? 500 : 50}
          type={item.type === 'date' ? 'date' : item.type === 'number' ? 'number' : 'text'}
          onChange={(e) => onChange(e.target.value ? [e.target.value] : [])} />
      )}
      {err}
    </div>
  );
}
