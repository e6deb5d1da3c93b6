import { Suspense, lazy, useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, type PublishResult, type ServiceDetail, type ServiceRow } from '../../api';
import { ErrorMessage, Loading, Notice, errorText } from '../../common';
import { useI18n } from '../../i18n-react';
import type { MessageKey } from '../../i18n';
import { useConfirm } from '../ConfirmDialog';
import { useSession } from '../session';
import {
  STEP_KINDS, addStep, answerableBefore, duplicateStep, findingsFor, historyPush, historyRedo, historyUndo,
  moveStep, operatorsFor, removeStep, renameStep, updateStep,
  type CaseDef, type Check, type ChoiceDef, type Definition, type Finding, type History, type StepDef, type StepKind,
} from './model';
import ConditionEditor from './ConditionEditor';
import FlowTests, { PublishTestWarning, runSavedFlowTests } from './FlowTests';
import NewServiceSource, { createFromSource, type NewSource } from './NewServiceSource';
import PreviewChat from './PreviewChat';
import Versions from './Versions';

const SAVE_DELAY_MS = 700;
// The graph library loads only when staff open the flow view.
const FlowGraph = lazy(() => import('./FlowGraph'));
const FLOW_KEY = 'mg_builder_flow';
type SaveState = 'idle' | 'checking' | 'saving' | 'saved' | 'invalid' | 'conflict' | 'error';

/** "New service": a title and key, then the builder opens on a small valid draft. */
export function ServiceBuilderNew() {
  const { t } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [title, setTitle] = useState('');
  const [key, setKey] = useState('');
  const [department, setDepartment] = useState(session.user.departments?.[0] ?? session.user.department ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [source, setSource] = useState<NewSource>({ kind: 'blank' });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try {
      const s = await createFromSource(source, { service_key: key.trim(), title: title.trim(), department: department.trim() });
      navigate(`/console/services/${s.id}/edit`);
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <section data-testid="builder-new">
      <p><Link to="/console/services" className="back-link">← {t('nav.services')}</Link></p>
      <h1>{t('bld.newTitle')}</h1>
      <form className="card form" onSubmit={submit}>
        <NewServiceSource value={source} onChange={setSource} onPicked={(p) => { setTitle(p.title); setDepartment(p.department); }} />
        <div className="field"><label htmlFor="new-title">{t('bld.title')}</label>
          <input id="new-title" value={title} onChange={(e) => setTitle(e.target.value)} required data-testid="new-title" /></div>
        <div className="field"><label htmlFor="new-key">{t('bld.serviceKey')}</label>
          <input id="new-key" value={key} onChange={(e) => setKey(e.target.value)} required pattern="[a-z0-9\-]+" aria-describedby="new-key-help" data-testid="new-key" />
          <small id="new-key-help" className="muted">{t('bld.serviceKeyHelp')}</small></div>
        <div className="field"><label htmlFor="new-dept">{t('bld.department')}</label>
          <input id="new-dept" value={department} onChange={(e) => setDepartment(e.target.value)} data-testid="new-department" /></div>
        <ErrorMessage error={error} testId="new-error" />
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="new-create">{t('bld.create')}</button>
      </form>
    </section>
  );
}

/** The builder: metadata, steps (add, remove, duplicate, reorder, a form per kind), findings, autosave, undo/redo, preview, publish. */
export default function ServiceBuilder() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<ServiceDetail | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  useEffect(() => {
    let alive = true;
    api.get<ServiceDetail>(`/api/services/${encodeURIComponent(id)}`).then((d) => { if (alive) setLoaded(d); }, (e) => { if (alive) setLoadError(e); });
    return () => { alive = false; };
  }, [id]);
  if (loadError) return <ErrorMessage error={loadError} />;
  if (!loaded) return <Loading />;
  return <Editor key={loaded.revision} detail={loaded} t={t} />;
}

function Editor({ detail, t }: { detail: ServiceDetail; t: ReturnType<typeof useI18n>['t'] }) {
  const navigate = useNavigate();
  const [hist, setHist] = useState<History>({ past: [], present: detail.definition as Definition, future: [] });
  const def = hist.present;
  const [selected, setSelected] = useState<number>(-1);
  const [check, setCheck] = useState<Check | null>(null);
  const [save, setSave] = useState<SaveState>('idle');
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [publishError, setPublishError] = useState<unknown>(null);
  const [published, setPublished] = useState(0);
  const revision = useRef(detail.revision ?? '');
  const savedDef = useRef<Definition>(detail.definition as Definition);
  const focusStep = useRef<string | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const [showFlow, setShowFlow] = useState(() => { try { return localStorage.getItem(FLOW_KEY) === '1'; } catch { return false; } });
  const toggleFlow = () => setShowFlow((v) => { try { localStorage.setItem(FLOW_KEY, v ? '0' : '1'); } catch { /* private mode */ } return !v; });
  // A step chosen in the graph opens in the list; from the keyboard, focus follows it there.
  const selectFromGraph = (i: number, how: 'pointer' | 'keyboard') => {
    setSelected(i);
    const el = document.querySelector<HTMLElement>(`[data-step-handle="${CSS.escape(def.steps[i]?.id ?? '')}"]`);
    if (how === 'keyboard') el?.focus(); else el?.scrollIntoView({ block: 'nearest' });
  };

  const edit = useCallback((fn: (d: Definition) => Definition) => setHist((h) => historyPush(h, fn(h.present))), []);

  // Check as staff type; save when the validator has no errors and the draft changed.
  // The first check runs at once: the debounce is for typing, not for opening the draft.
  const checked = useRef(false);
  useEffect(() => {
    let alive = true;
    const delay = checked.current ? SAVE_DELAY_MS : 0;
    checked.current = true;
    setSave((s) => (s === 'conflict' ? s : 'checking'));
    const timer = setTimeout(async () => {
      try {
        const c = await api.post<Check>('/api/services/validate', { definition: def });
        if (!alive) return;
        setCheck(c);
        if (!c.ok) { setSave((s) => (s === 'conflict' ? s : 'invalid')); return; }
        if (def === savedDef.current) { setSave((s) => (s === 'conflict' ? s : 'saved')); return; }
        setSave((s) => (s === 'conflict' ? s : 'saving'));
        const r = await api.put<ServiceRow & { revision: string }>(`/api/services/${detail.id}`, { definition: def, base_revision: revision.current });
        revision.current = r.revision; savedDef.current = def;
        if (alive) { setSave('saved'); setSaveError(null); }
      } catch (e) {
        if (!alive) return;
        if (e instanceof ApiError && e.code === 'stale_draft') { setSave('conflict'); setSaveError(e.message); return; }
        setSave('error'); setSaveError(errorText(e, t));
      }
    }, delay);
    return () => { alive = false; clearTimeout(timer); };
  }, [def, detail.id, t]);

  // After a keyboard move, focus follows the moved step.
  useEffect(() => {
    if (!focusStep.current) return;
    document.querySelector<HTMLElement>(`[data-step-handle="${CSS.escape(focusStep.current)}"]`)?.focus();
    focusStep.current = null;
  });

  const undo = () => setHist(historyUndo);
  const redo = () => setHist(historyRedo);
  const onKeys = (e: KeyboardEvent) => {
    const typing = (e.target as HTMLElement).closest('input, textarea, select');
    if (typing || !(e.ctrlKey || e.metaKey)) return;
    if (e.key === 'z' && !e.shiftKey) { e.preventDefault(); undo(); }
    if ((e.key === 'z' && e.shiftKey) || e.key === 'y') { e.preventDefault(); redo(); }
  };
  const move = (i: number, delta: number) => {
    const s = def.steps[i];
    if (!s || i + delta < 0 || i + delta >= def.steps.length) return;
    edit((d) => moveStep(d, i, delta));
    if (selected === i) setSelected(i + delta);
    focusStep.current = s.id;
  };

  const publish = async () => {
    setPublishError(null); setNotice(null);
    // Saved flow tests run on this draft first; failing ones are named in the confirmation.
    const tests = await runSavedFlowTests(detail.id, def).catch(() => null);
    const ok = await ask({ title: t('pub.confirmPublishTitle', { title: def.title }), body: <><PublishTestWarning run={tests} /><p>{t('pub.confirmPublishBody')}</p></>,
      confirmLabel: t('pub.confirmPublish'), cancelLabel: t('pub.cancel'), testId: 'confirm-publish' });
    if (!ok) return;
    try {
      const r = await api.post<PublishResult>(`/api/services/${detail.id}/publish`);
      setNotice(r.new_version === false ? t('pub.unchangedMsg', { version: r.version }) : t('svc.publishedMsg', { version: r.version }));
      setPublished((n) => n + 1);
    } catch (e) { setPublishError(e); }
  };

  const serviceFindings = findingsFor(check, '');
  const errorCount = check?.errors.length ?? 0, warnCount = check?.warnings.length ?? 0;
  const saveText: Record<SaveState, MessageKey> = { idle: 'bld.saveIdle', checking: 'bld.saveChecking', saving: 'bld.saveSaving', saved: 'bld.saveSaved', invalid: 'bld.saveInvalid', conflict: 'bld.saveConflict', error: 'bld.saveError' };

  return (
    <section data-testid="builder" onKeyDown={onKeys}>
      <p><Link to="/console/services" className="back-link">← {t('nav.services')}</Link></p>
      <h1>{t('bld.editTitle', { title: def.title })}</h1>
      <div className="builder-bar card" role="region" aria-label={t('bld.toolbar')}>
        <p role="status" data-testid="save-status" data-state={save}>{t(saveText[save])}</p>
        {save === 'conflict' && (
          <div className="alert alert-error" role="alert" data-testid="save-conflict">
            <p>{saveError}</p>
            <button type="button" className="btn" onClick={() => navigate(0)}>{t('bld.reload')}</button>
          </div>
        )}
        {save === 'error' && saveError && <div className="alert alert-error" role="alert">{saveError}</div>}
        <div className="btn-row">
          <button type="button" className="btn" onClick={undo} disabled={!hist.past.length} data-testid="undo">{t('bld.undo')}</button>
          <button type="button" className="btn" onClick={redo} disabled={!hist.future.length} data-testid="redo">{t('bld.redo')}</button>
          <button type="button" className="btn btn-primary" onClick={publish} disabled={save !== 'saved' && save !== 'idle' || !check?.ok} data-testid="builder-publish">{t('svc.publish')}</button>
        </div>
        <p className="muted" data-testid="findings-count">{t('bld.findingsCount', { errors: errorCount, warnings: warnCount })}</p>
        <Notice text={notice} testId="builder-notice" />
        <ErrorMessage error={publishError} testId="builder-publish-error" />
      </div>

      <div className="builder-layout">
        <div className="builder-editor">
          <Metadata def={def} edit={edit} findings={serviceFindings} />
          <section className="card" aria-labelledby="bld-steps-h">
            <h2 id="bld-steps-h">{t('bld.steps')}</h2>
            <p className="muted">{t('bld.stepsHelp')}</p>
            <button type="button" className="btn" aria-expanded={showFlow} onClick={toggleFlow} data-testid="flow-toggle">{showFlow ? t('flow.hide') : t('flow.show')}</button>
            {showFlow && (
              <Suspense fallback={<p role="status">{t('flow.loading')}</p>}>
                <FlowGraph def={def} check={check} selectedId={def.steps[selected]?.id} onSelect={selectFromGraph} edit={edit} />
              </Suspense>
            )}
            <ol className="builder-steps" data-testid="builder-steps">
              {def.steps.map((s, i) => {
                const f = findingsFor(check, s.id);
                const open = selected === i;
                return (
                  <li key={`${s.id}-${i}`} className={`builder-step${open ? ' open' : ''}`} data-testid="builder-step" data-step-id={s.id} data-kind={s.kind}>
                    <div className="builder-step-head">
                      <button type="button" className="btn btn-ghost builder-step-name" aria-expanded={open} data-step-handle={s.id}
                        aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown" aria-describedby="bld-move-help"
                        onClick={() => setSelected(open ? -1 : i)}
                        onKeyDown={(e) => { if (e.altKey && e.key === 'ArrowUp') { e.preventDefault(); move(i, -1); } if (e.altKey && e.key === 'ArrowDown') { e.preventDefault(); move(i, 1); } }}
                        data-testid="step-toggle">
                        {i + 1}. <span className="badge">{t(`bld.kind.${s.kind}` as MessageKey)}</span> {stepName(s)}
                        {f.length > 0 && <span className={`badge ${f.some((x) => check?.errors.includes(x)) ? 'badge-error' : 'badge-warn'}`} data-testid="step-finding-badge">{t('bld.stepFindings', { n: f.length })}</span>}
                      </button>
                      <div className="btn-row">
                        <button type="button" className="btn btn-small" onClick={() => move(i, -1)} disabled={i === 0} aria-label={t('bld.moveUp', { name: stepName(s) })} data-testid="step-up">↑</button>
                        <button type="button" className="btn btn-small" onClick={() => move(i, 1)} disabled={i === def.steps.length - 1} aria-label={t('bld.moveDown', { name: stepName(s) })} data-testid="step-down">↓</button>
                        <button type="button" className="btn btn-small" onClick={() => edit((d) => duplicateStep(d, i))} aria-label={t('bld.duplicate', { name: stepName(s) })} data-testid="step-duplicate">{t('bld.duplicateShort')}</button>
                        <button type="button" className="btn btn-small btn-ghost" onClick={() => { edit((d) => removeStep(d, i)); setSelected(-1); }} aria-label={t('bld.remove', { name: stepName(s) })} data-testid="step-remove">{t('bld.removeShort')}</button>
                      </div>
                    </div>
                    <FindingList findings={f.filter((x) => !x.field || x.field === 'id' || x.field === 'kind' || x.field === 'next')} errors={check?.errors} />
                    {open && <StepForm def={def} index={i} edit={edit} check={check} />}
                  </li>
                );
              })}
            </ol>
            <p id="bld-move-help" className="muted">{t('bld.moveHelp')}</p>
            <AddStep onAdd={(kind) => { const r = addStep(def, kind); edit(() => r.def); setSelected(r.index); }} />
          </section>
          {/* A rollback replaces the draft: reload so the editor starts from it with its new revision. */}
          <Versions id={detail.id} refreshKey={published} onRestored={() => navigate(0)} />
          <FlowTests serviceId={detail.id} def={def} disabled={!check?.ok} />
        </div>
        <PreviewChat def={def} disabled={!check?.ok} />
      </div>
      {confirmDialog}
    </section>
  );
}

function stepName(s: StepDef): string {
  return s.label || (s.text ? s.text.split('\n')[0].slice(0, 24) : '') || s.id;
}

function FindingList({ findings, errors, id }: { findings: Finding[]; errors?: Finding[]; id?: string }) {
  const { t } = useI18n();
  if (!findings.length) return null;
  return (
    <ul className="builder-findings" id={id} data-testid="finding-list">
      {findings.map((f, k) => {
        const err = errors?.includes(f);
        return (
          <li key={k} className={err ? 'finding finding-error' : 'finding finding-warning'} data-testid="finding" data-code={f.code} data-field={f.field}>
            <strong>{err ? t('bld.error') : t('bld.warning')}</strong> {f.message}<br /><span>{t('bld.fix')}: {f.fix}</span>
          </li>
        );
      })}
    </ul>
  );
}

let fieldSeq = 0;
function useFieldId(): string { const r = useRef(''); if (!r.current) r.current = `bf-${++fieldSeq}`; return r.current; }

/** A labelled control with the findings of its field under it (and tied to it for screen readers). */
function Field({ label, findings, errors, help, children }: { label: string; findings: Finding[]; errors?: Finding[]; help?: string; children: (id: string, describedBy: string | undefined, invalid: boolean) => ReactNode }) {
  const id = useFieldId();
  const describedBy = [findings.length ? `${id}-f` : '', help ? `${id}-h` : ''].filter(Boolean).join(' ') || undefined;
  const invalid = findings.some((f) => errors?.includes(f));
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy, invalid)}
      {help && <small id={`${id}-h`} className="muted">{help}</small>}
      <FindingList findings={findings} errors={errors} id={`${id}-f`} />
    </div>
  );
}

function TextField({ label, value, onChange, findings = [], errors, help, testId, multiline, type = 'text' }: {
  label: string; value: string | number | undefined; onChange: (v: string) => void; findings?: Finding[]; errors?: Finding[]; help?: string; testId?: string; multiline?: boolean; type?: string;
}) {
  return (
    <Field label={label} findings={findings} errors={errors} help={help}>
      {(id, d, invalid) => multiline
        ? <textarea id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value)} aria-describedby={d} aria-invalid={invalid || undefined} data-testid={testId} rows={3} />
        : <input id={id} type={type} value={value ?? ''} onChange={(e) => onChange(e.target.value)} aria-describedby={d} aria-invalid={invalid || undefined} data-testid={testId} />}
    </Field>
  );
}

const num = (v: string): number | undefined => (v.trim() === '' || Number.isNaN(Number(v)) ? undefined : Number(v));

function Metadata({ def, edit, findings }: { def: Definition; edit: (fn: (d: Definition) => Definition) => void; findings: Finding[] }) {
  const { t } = useI18n();
  const set = (patch: Partial<Definition>) => edit((d) => {
    const c: Definition = { ...d, ...patch };
    for (const k of Object.keys(patch)) if (c[k] === undefined || c[k] === '') delete c[k];
    return c;
  });
  const f = (field: string) => findings.filter((x) => x.field === field || x.field.startsWith(`${field}.`));
  const avail = def.available ?? {};
  const setAvail = (k: 'from' | 'to', v: string) => {
    const a = { ...avail, [k]: v || undefined };
    if (!a.from) delete a.from;
    if (!a.to) delete a.to;
    set({ available: a.from || a.to ? a : undefined });
  };
  return (
    <section className="card" aria-labelledby="bld-meta-h" data-testid="builder-meta">
      <h2 id="bld-meta-h">{t('bld.meta')}</h2>
      <TextField label={t('bld.title')} value={def.title} onChange={(v) => set({ title: v })} findings={f('title')} testId="meta-title" />
      <TextField label={t('bld.serviceKey')} value={def.service_key} onChange={(v) => set({ service_key: v })} findings={f('service_key')} help={t('bld.serviceKeyHelp')} testId="meta-key" />
      <TextField label={t('bld.department')} value={def.department} onChange={(v) => set({ department: v })} findings={f('department')} testId="meta-department" />
      <TextField label={t('bld.category')} value={def.category} onChange={(v) => set({ category: v })} findings={f('category')} testId="meta-category" />
      <TextField label={t('bld.description')} value={def.description} onChange={(v) => set({ description: v })} findings={f('description')} multiline testId="meta-description" />
      <TextField label={t('bld.availableFrom')} type="date" value={avail.from} onChange={(v) => setAvail('from', v)} findings={f('available.from')} testId="meta-from" />
      <TextField label={t('bld.availableTo')} type="date" value={avail.to} onChange={(v) => setAvail('to', v)} findings={f('available.to')} testId="meta-to" />
      <TextField label={t('bld.baseFee')} type="number" value={def.fee} onChange={(v) => set({ fee: num(v) })} findings={f('fee')} testId="meta-fee" />
      <TextField label={t('bld.completion')} value={def.completion_message} onChange={(v) => set({ completion_message: v })} findings={f('completion_message')} multiline help={t('bld.completionHelp')} testId="meta-completion" />
      <FindingList findings={findings.filter((x) => !['title', 'service_key', 'department', 'category', 'description', 'fee', 'completion_message'].includes(x.field) && !x.field.startsWith('available'))} />
    </section>
  );
}

function AddStep({ onAdd }: { onAdd: (k: StepKind) => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<StepKind>('choice');
  return (
    <div className="inline-form builder-add">
      <label htmlFor="bld-add-kind">{t('bld.addKind')}</label>
      <select id="bld-add-kind" value={kind} onChange={(e) => setKind(e.target.value as StepKind)} data-testid="add-kind">
        {STEP_KINDS.map((k) => <option key={k} value={k}>{t(`bld.kind.${k}` as MessageKey)}</option>)}
      </select>
      <button type="button" className="btn btn-primary" onClick={() => onAdd(kind)} data-testid="add-step">{t('bld.add')}</button>
    </div>
  );
}

/** Where to go next: the following step (default), a step, or the end. */
function NextSelect({ def, value, onChange, label, findings, errors, testId, self }: {
  def: Definition; value: string | undefined; onChange: (v: string | undefined) => void; label: string; findings?: Finding[]; errors?: Finding[]; testId?: string; self?: string;
}) {
  const { t } = useI18n();
  return (
    <Field label={label} findings={findings ?? []} errors={errors}>
      {(id, d) => (
        <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)} aria-describedby={d} data-testid={testId}>
          <option value="">{t('bld.nextDefault')}</option>
          {def.steps.filter((s) => s.id !== self).map((s) => <option key={s.id} value={s.id}>{stepName(s)}（{s.id}）</option>)}
          <option value="end">{t('bld.nextEnd')}</option>
        </select>
      )}
    </Field>
  );
}

function StepForm({ def, index, edit, check }: { def: Definition; index: number; edit: (fn: (d: Definition) => Definition) => void; check: Check | null }) {
  const { t } = useI18n();
  const s = def.steps[index];
  const set = (patch: Partial<StepDef>) => edit((d) => updateStep(d, index, patch));
  const f = (field: string) => findingsFor(check, s.id, field);
  const errors = check?.errors;
  const [idDraft, setIdDraft] = useState(s.id);
  useEffect(() => setIdDraft(s.id), [s.id]);
  const asks = !['branch', 'confirm', 'submit', 'lookup'].includes(s.kind);
  const question = !['branch', 'confirm', 'submit', 'lookup', 'message'].includes(s.kind);
  return (
    <div className="builder-step-form" data-testid="step-form">
      <Field label={t('bld.stepId')} findings={f('id')} errors={errors} help={t('bld.stepIdHelp')}>
        {(id, d) => <input id={id} value={idDraft} onChange={(e) => setIdDraft(e.target.value)} aria-describedby={d} data-testid="step-id"
          onBlur={() => { const v = idDraft.trim(); if (v && v !== s.id) edit((x) => renameStep(x, s.id, v)); else setIdDraft(s.id); }} />}
      </Field>
      {(asks || s.kind === 'confirm' || s.kind === 'submit') && (
        <TextField label={s.kind === 'message' ? t('bld.messageText') : question ? t('bld.questionText') : t('bld.optionalText')} value={s.text} onChange={(v) => set({ text: v })}
          findings={f('text')} errors={errors} multiline testId="step-text" />
      )}
      {question && (
        <>
          <TextField label={t('bld.label')} value={s.label} onChange={(v) => set({ label: v })} findings={f('label')} errors={errors} help={t('bld.labelHelp')} testId="step-label" />
          <TextField label={t('bld.hint')} value={s.hint} onChange={(v) => set({ hint: v })} findings={f('hint')} errors={errors} testId="step-hint" />
          <label className="check"><input type="checkbox" checked={Boolean(s.optional)} onChange={(e) => set({ optional: e.target.checked || undefined })} data-testid="step-optional" /> {t('bld.optional')}</label>
        </>
      )}
      {s.kind === 'choice' && <ChoiceFields def={def} s={s} set={set} f={f} errors={errors} />}
      {s.kind === 'text' && (
        <>
          <Field label={t('bld.format')} findings={f('format')} errors={errors}>
            {(id, d) => (
              <select id={id} value={s.format ?? 'free'} onChange={(e) => set({ format: e.target.value })} aria-describedby={d} data-testid="step-format">
                {['free', 'kana', 'email', 'phone', 'postal_code', 'number'].map((x) => <option key={x} value={x}>{t(`bld.format.${x}` as MessageKey)}</option>)}
              </select>
            )}
          </Field>
          {s.format === 'number' ? (
            <>
              <TextField label={t('bld.minNumber')} type="number" value={s.min as number | undefined} onChange={(v) => set({ min: num(v) })} findings={f('min')} errors={errors} testId="step-min" />
              <TextField label={t('bld.maxNumber')} type="number" value={s.max as number | undefined} onChange={(v) => set({ max: num(v) })} findings={f('max')} errors={errors} testId="step-max" />
              <TextField label={t('bld.unitFee')} type="number" value={s.unit_fee} onChange={(v) => set({ unit_fee: num(v) })} findings={f('unit_fee')} errors={errors} testId="step-unit-fee" />
            </>
          ) : (
            <>
              <TextField label={t('bld.minLength')} type="number" value={s.min_length} onChange={(v) => set({ min_length: num(v) })} findings={f('min_length')} errors={errors} testId="step-min-length" />
              <TextField label={t('bld.maxLength')} type="number" value={s.max_length} onChange={(v) => set({ max_length: num(v) })} findings={f('max_length')} errors={errors} testId="step-max-length" />
            </>
          )}
        </>
      )}
      {s.kind === 'date' && (
        <>
          <TextField label={t('bld.minDate')} value={s.min as string | undefined} onChange={(v) => set({ min: v.trim() || undefined })} findings={f('min')} errors={errors} help={t('bld.dateHelp')} testId="step-min-date" />
          <TextField label={t('bld.maxDate')} value={s.max as string | undefined} onChange={(v) => set({ max: v.trim() || undefined })} findings={f('max')} errors={errors} help={t('bld.dateHelp')} testId="step-max-date" />
        </>
      )}
      {s.kind === 'address' && (
        <label className="check"><input type="checkbox" checked={s.ask_postal_code !== false} onChange={(e) => set({ ask_postal_code: e.target.checked ? undefined : false })} /> {t('bld.askPostal')}</label>
      )}
      {s.kind === 'reserve' && (
        <label className="check"><input type="checkbox" checked={Boolean(s.ask_party)} onChange={(e) => set({ ask_party: e.target.checked || undefined })} /> {t('bld.askParty')}</label>
      )}
      {s.kind === 'lookup' && (
        <>
          <TextField label={t('bld.lookupList')} value={s.list} onChange={(v) => set({ list: v })} findings={f('list')} errors={errors} testId="step-list" />
          <MatchFields def={def} index={index} s={s} set={set} findings={f('match_fields')} errors={errors} />
          <TextField label={t('bld.onFail')} value={s.on_fail as string | undefined} onChange={(v) => set({ on_fail: v })} findings={f('on_fail')} errors={errors} multiline />
        </>
      )}
      {s.kind === 'branch' && <BranchFields def={def} index={index} s={s} set={set} f={f} errors={errors} />}
      {s.kind !== 'branch' && <NextSelect def={def} value={s.next} onChange={(v) => set({ next: v })} label={t('bld.next')} findings={f('next')} errors={errors} testId="step-next" self={s.id} />}
    </div>
  );
}

function ChoiceFields({ def, s, set, f, errors }: { def: Definition; s: StepDef; set: (p: Partial<StepDef>) => void; f: (x: string) => Finding[]; errors?: Finding[] }) {
  const { t } = useI18n();
  const choices = s.choices ?? [];
  const setChoice = (i: number, patch: Partial<ChoiceDef>) => set({
    choices: choices.map((c, k) => {
      if (k !== i) return c;
      const o: ChoiceDef = { ...c, ...patch };
      for (const key of Object.keys(patch) as (keyof ChoiceDef)[]) if (o[key] === undefined || o[key] === '') delete o[key];
      return o;
    }),
  });
  const addChoice = () => {
    const used = new Set(choices.map((c) => c.value));
    let n = choices.length + 1;
    while (used.has(`c${n}`)) n++;
    set({ choices: [...choices, { value: `c${n}`, label: '' }] });
  };
  return (
    <fieldset className="builder-choices">
      <legend>{t('bld.choices')}</legend>
      <label className="check"><input type="checkbox" checked={Boolean(s.multiple)} onChange={(e) => set({ multiple: e.target.checked || undefined })} data-testid="step-multiple" /> {t('bld.multiple')}</label>
      <FindingList findings={f('choices').filter((x) => x.field === 'choices')} errors={errors} />
      <ol>
        {choices.map((c, i) => (
          <li key={i} className="builder-choice" data-testid="choice-row">
            <TextField label={t('bld.choiceLabel', { n: i + 1 })} value={c.label} onChange={(v) => setChoice(i, { label: v })} findings={f(`choices[${i}].label`)} errors={errors} testId="choice-label" />
            <TextField label={t('bld.choiceShort', { n: i + 1 })} value={c.short_label} onChange={(v) => setChoice(i, { short_label: v })} findings={f(`choices[${i}].short_label`)} errors={errors} help={t('bld.choiceShortHelp')} testId="choice-short" />
            <TextField label={t('bld.choiceValue', { n: i + 1 })} value={c.value} onChange={(v) => setChoice(i, { value: v })} findings={f(`choices[${i}].value`)} errors={errors} help={t('bld.choiceValueHelp')} testId="choice-value" />
            <TextField label={t('bld.choiceFee', { n: i + 1 })} type="number" value={c.fee} onChange={(v) => setChoice(i, { fee: num(v) })} findings={f(`choices[${i}].fee`)} errors={errors} testId="choice-fee" />
            {!s.multiple && <NextSelect def={def} value={c.next} onChange={(v) => setChoice(i, { next: v })} label={t('bld.choiceNext', { n: i + 1 })} findings={f(`choices[${i}].next`)} errors={errors} testId="choice-next" self={s.id} />}
            <button type="button" className="btn btn-small btn-ghost" onClick={() => set({ choices: choices.filter((_, k) => k !== i) })} data-testid="choice-remove">{t('bld.choiceRemove', { n: i + 1 })}</button>
          </li>
        ))}
      </ol>
      <button type="button" className="btn" onClick={addChoice} data-testid="choice-add">{t('bld.choiceAdd')}</button>
    </fieldset>
  );
}

function BranchFields({ def, index, s, set, f, errors }: { def: Definition; index: number; s: StepDef; set: (p: Partial<StepDef>) => void; f: (x: string) => Finding[]; errors?: Finding[] }) {
  const { t } = useI18n();
  const cases = s.cases ?? [];
  const sources = answerableBefore(def, index);
  const setCase = (i: number, c: CaseDef) => set({ cases: cases.map((k, n) => (n === i ? c : k)) });
  return (
    <fieldset className="builder-cases">
      <legend>{t('bld.cases')}</legend>
      <p className="muted">{t('bld.casesHelp')}</p>
      <ol>
        {cases.map((c, i) => {
          return (
            <li key={i} className="builder-case" data-testid="case-row">
              <FindingList findings={f(`cases[${i}].when`)} errors={errors} />
              <ConditionEditor def={def} sources={sources} when={c.when} caseNo={i + 1} onChange={(when) => setCase(i, { ...c, when })} />
              <NextSelect def={def} value={c.next} onChange={(v) => setCase(i, { ...c, next: v ?? '' })} label={t('bld.caseNext', { n: i + 1 })} findings={f(`cases[${i}].next`)} errors={errors} testId="case-next" self={s.id} />
              <button type="button" className="btn btn-small btn-ghost" onClick={() => set({ cases: cases.filter((_, n) => n !== i) })}>{t('bld.caseRemove', { n: i + 1 })}</button>
            </li>
          );
        })}
      </ol>
      <button type="button" className="btn" onClick={() => set({ cases: [...cases, { when: { answer: sources[0]?.id ?? '', op: operatorsFor(sources[0])[0] ?? 'eq', value: sources[0]?.choices?.[0]?.value ?? '' }, next: 'end' }] })} data-testid="case-add">{t('bld.caseAdd')}</button>
      <NextSelect def={def} value={s.default} onChange={(v) => set({ default: v })} label={t('bld.caseDefault')} findings={f('default')} errors={errors} testId="case-default" self={s.id} />
    </fieldset>
  );
}

function MatchFields({ def, index, s, set, findings, errors }: { def: Definition; index: number; s: StepDef; set: (p: Partial<StepDef>) => void; findings: Finding[]; errors?: Finding[] }) {
  const { t } = useI18n();
  const rows = Object.entries(s.match_fields ?? {});
  const sources = answerableBefore(def, index);
  const setRows = (r: [string, string][]) => set({ match_fields: Object.fromEntries(r) });
  return (
    <fieldset>
      <legend>{t('bld.matchFields')}</legend>
      <FindingList findings={findings} errors={errors} />
      {rows.map(([col, step], i) => (
        <div key={i} className="inline-form">
          <label htmlFor={`mf-col-${s.id}-${i}`}>{t('bld.matchColumn')}</label>
          <input id={`mf-col-${s.id}-${i}`} value={col} onChange={(e) => setRows(rows.map((r, k) => (k === i ? [e.target.value, r[1]] : r)))} />
          <label htmlFor={`mf-step-${s.id}-${i}`}>{t('bld.matchStep')}</label>
          <select id={`mf-step-${s.id}-${i}`} value={step} onChange={(e) => setRows(rows.map((r, k) => (k === i ? [r[0], e.target.value] : r)))}>
            <option value="">{t('bld.pick')}</option>
            {sources.map((x) => <option key={x.id} value={x.id}>{stepName(x)}</option>)}
          </select>
        </div>
      ))}
      <button type="button" className="btn" onClick={() => setRows([...rows, [`col${rows.length + 1}`, sources[0]?.id ?? '']])}>{t('bld.matchAdd')}</button>
    </fieldset>
  );
}
