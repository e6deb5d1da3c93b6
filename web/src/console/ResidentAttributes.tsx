import { useState, type FormEvent } from 'react';
import { api, request } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { useConfirm } from './ConfirmDialog';

/** Attribute definitions of the tenant's residents (issue 10 item 1), edited by admins. */

type ValueType = 'choice' | 'text' | 'number' | 'date' | 'yes_no' | 'tag';
interface Option { value: string; label: string }
export interface AttributeDefinition {
  id: number;
  key: string;
  label: string;
  type: ValueType;
  multiple: boolean;
  options: Option[];
  resident_editable: boolean;
  resident_label?: string;
  resident_help?: string;
  position: number;
}

// What the admin picks: a type, with 複数選択 standing for a choice that takes several.
type Kind = 'choice' | 'multi' | 'text' | 'number' | 'date' | 'yes_no' | 'tag';
const KINDS: Kind[] = ['choice', 'multi', 'text', 'number', 'date', 'yes_no', 'tag'];
const kindOf = (d: { type: ValueType; multiple: boolean }): Kind => (d.type === 'choice' && d.multiple ? 'multi' : d.type);
const typeOf = (k: Kind): ValueType => (k === 'multi' ? 'choice' : k);

interface Form {
  key: string;
  label: string;
  kind: Kind;
  several: boolean; // date and tag: several values per resident
  options: Option[];
  // 受信設定 (issue 13): residents may set it themselves, under their own label and help.
  editable: boolean;
  residentLabel: string;
  residentHelp: string;
}
const EMPTY: Form = { key: '', label: '', kind: 'choice', several: false, options: [{ value: '', label: '' }], editable: false, residentLabel: '', residentHelp: '' };

function formOf(d: AttributeDefinition): Form {
  return {
    key: d.key, label: d.label, kind: kindOf(d), several: d.type !== 'choice' && d.multiple,
    options: d.options.length ? d.options.map((o) => ({ ...o })) : [{ value: '', label: '' }],
    editable: d.resident_editable, residentLabel: d.resident_label ?? '', residentHelp: d.resident_help ?? '',
  };
}

function bodyOf(f: Form) {
  const type = typeOf(f.kind);
  const choice = type === 'choice';
  return {
    key: f.key.trim(),
    label: f.label.trim(),
    type,
    multiple: f.kind === 'multi' || ((type === 'date' || type === 'tag') && f.several),
    // An option's stored value defaults to its label, so admins need not invent codes.
    options: choice
      ? f.options.filter((o) => o.label.trim() || o.value.trim()).map((o) => ({ value: (o.value.trim() || o.label.trim()), label: o.label.trim() }))
      : [],
    resident_editable: f.editable,
    resident_label: f.editable ? f.residentLabel.trim() : '',
    resident_help: f.editable ? f.residentHelp.trim() : '',
  };
}

export default function ResidentAttributes() {
  const { t } = useI18n();
  const list = useLoad(() => api.get<{ items: AttributeDefinition[] }>('/api/resident-attributes'), []);
  const [editing, setEditing] = useState<AttributeDefinition | null>(null);
  const [form, setForm] = useState<Form>(EMPTY);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDialog, ask] = useConfirm();

  const startEdit = (d: AttributeDefinition | null) => {
    setEditing(d);
    setForm(d ? formOf(d) : EMPTY);
    setError(null);
    setNotice(null);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null); setNotice(null);
    try {
      const body = bodyOf(form);
      if (editing) {
        await api.put(`/api/resident-attributes/${editing.id}`, { ...body, position: editing.position });
        setNotice(t('ra.updated', { label: body.label }));
      } else {
        await api.post('/api/resident-attributes', body);
        setNotice(t('ra.created', { label: body.label }));
      }
      setEditing(null);
      setForm(EMPTY);
      list.reload();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const remove = async (d: AttributeDefinition) => {
    const ok = await ask({
      title: t('ra.deleteTitle', { label: d.label }), confirmLabel: t('ra.delete'), cancelLabel: t('common.cancel'),
      testId: 'confirm-attribute-delete', body: <p>{t('ra.deleteBody')}</p>,
    });
    if (!ok) return;
    setBusy(true); setError(null); setNotice(null);
    try {
      await request('DELETE', `/api/resident-attributes/${d.id}`);
      if (editing?.id === d.id) startEdit(null);
      setNotice(t('ra.deleted', { label: d.label }));
      list.reload();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  const setOption = (i: number, o: Partial<Option>) =>
    setForm({ ...form, options: form.options.map((x, j) => (j === i ? { ...x, ...o } : x)) });
  const type = typeOf(form.kind);
  // Key and type stay as created; a choice list may still switch between one and several.
  const kinds = editing ? KINDS.filter((k) => typeOf(k) === editing.type) : KINDS;

  return (
    <section data-testid="resident-attributes">
      <h1>{t('ra.title')}</h1>
      <p className="hint">{t('ra.intro')}</p>
      {confirmDialog}
      <Notice text={notice} />
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && list.data.items.length === 0 && <p data-testid="ra-empty">{t('ra.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="ra-table">
            <thead><tr><th scope="col">{t('ra.label')}</th><th scope="col">{t('ra.key')}</th><th scope="col">{t('ra.type')}</th><th scope="col">{t('ra.options')}</th><th scope="col">{t('ra.actions')}</th></tr></thead>
            <tbody>
              {list.data.items.map((d) => (
                <tr key={d.id} data-testid={`ra-row-${d.key}`}>
                  <td>{d.label}</td>
                  <td><code>{d.key}</code></td>
                  <td>{t(`ra.kind.${kindOf(d)}` as MessageKey)}{d.type !== 'choice' && d.multiple ? ` ${t('ra.severalShort')}` : ''}{d.resident_editable && <> <span className="badge" data-testid="ra-editable">{t('ra.editableShort')}</span></>}</td>
                  <td data-testid="ra-options">{d.options.map((o) => o.label).join('、')}</td>
                  <td>
                    <div className="btn-row">
                      <button type="button" className="btn btn-small" disabled={busy} onClick={() => startEdit(d)} data-testid="ra-edit">{t('ra.edit')}<span className="sr-only">: {d.label}</span></button>
                      <button type="button" className="btn btn-small" disabled={busy} onClick={() => void remove(d)} data-testid="ra-delete">{t('ra.delete')}<span className="sr-only">: {d.label}</span></button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && (
        <form className="card" onSubmit={submit} data-testid="ra-form">
          <h2>{editing ? t('ra.editTitle', { label: editing.label }) : t('ra.add')}</h2>
          <ErrorMessage error={error} testId="ra-error" />
          <div className="form-grid">
            <div className="field"><label htmlFor="ra-label">{t('ra.label')}</label>
              <input id="ra-label" required maxLength={40} value={form.label} onChange={(e) => setForm({ ...form, label: e.target.value })} /></div>
            <div className="field"><label htmlFor="ra-key">{t('ra.key')}</label>
              <input id="ra-key" required maxLength={40} pattern="[a-z0-9_]+" autoComplete="off" aria-describedby="ra-key-hint" disabled={!!editing}
                value={form.key} onChange={(e) => setForm({ ...form, key: e.target.value })} />
              <small id="ra-key-hint" className="hint">{t('ra.keyHint')}</small></div>
            <div className="field"><label htmlFor="ra-type">{t('ra.type')}</label>
              <select id="ra-type" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as Kind })}>
                {kinds.map((k) => <option key={k} value={k}>{t(`ra.kind.${k}` as MessageKey)}</option>)}
              </select></div>
          </div>
          {(type === 'date' || type === 'tag') && (
            <label className="check"><input type="checkbox" checked={form.several} onChange={(e) => setForm({ ...form, several: e.target.checked })} data-testid="ra-several" />{t('ra.several')}</label>
          )}
          {type === 'choice' && (
            <fieldset className="ra-options" data-testid="ra-option-rows">
              <legend>{t('ra.options')}</legend>
              <p className="hint">{t('ra.optionsHint')}</p>
              {form.options.map((o, i) => (
                <div className="form-grid" key={i} data-testid="ra-option">
                  <div className="field"><label htmlFor={`ra-opt-label-${i}`}>{t('ra.optionLabel', { n: i + 1 })}</label>
                    <input id={`ra-opt-label-${i}`} maxLength={100} value={o.label} onChange={(e) => setOption(i, { label: e.target.value })} /></div>
                  <div className="field"><label htmlFor={`ra-opt-value-${i}`}>{t('ra.optionValue', { n: i + 1 })}</label>
                    <input id={`ra-opt-value-${i}`} maxLength={100} autoComplete="off" value={o.value} placeholder={o.label} onChange={(e) => setOption(i, { value: e.target.value })} /></div>
                  <div className="field">
                    <button type="button" className="btn" disabled={form.options.length <= 1}
                      onClick={() => setForm({ ...form, options: form.options.filter((_, j) => j !== i) })} data-testid="ra-option-remove">
                      {t('ra.optionRemove')}<span className="sr-only">: {o.label || i + 1}</span></button>
                  </div>
                </div>
              ))}
              <button type="button" className="btn" disabled={form.options.length >= 200}
                onClick={() => setForm({ ...form, options: [...form.options, { value: '', label: '' }] })} data-testid="ra-option-add">{t('ra.optionAdd')}</button>
            </fieldset>
          )}
          <label className="check"><input type="checkbox" checked={form.editable} onChange={(e) => setForm({ ...form, editable: e.target.checked })} data-testid="ra-resident-editable" />{t('ra.editable')}</label>
          {form.editable && (
            <div className="form-grid">
              <div className="field"><label htmlFor="ra-resident-label">{t('ra.residentLabel')}</label>
                <input id="ra-resident-label" maxLength={40} value={form.residentLabel} placeholder={form.label} onChange={(e) => setForm({ ...form, residentLabel: e.target.value })} /></div>
              <div className="field"><label htmlFor="ra-resident-help">{t('ra.residentHelp')}</label>
                <input id="ra-resident-help" maxLength={200} value={form.residentHelp} onChange={(e) => setForm({ ...form, residentHelp: e.target.value })} /></div>
            </div>
          )}
          <div className="btn-row">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="ra-save">{editing ? t('common.save') : t('ra.add')}</button>
            {editing && <button type="button" className="btn" onClick={() => startEdit(null)} data-testid="ra-cancel">{t('common.cancel')}</button>}
          </div>
        </form>
      )}
    </section>
  );
}
