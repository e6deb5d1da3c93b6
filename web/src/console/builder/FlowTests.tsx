import { useEffect, useState } from 'react';
import { api } from '../../api';
import { ErrorMessage, Notice } from '../../common';
import { useI18n } from '../../i18n-react';
import { blankForm, failingNames, fromForm, toForm, type FlowTest, type FlowTestForm, type FlowTestRun } from './flowTestModel';
import type { Definition, StepDef } from './model';
import './flowtests.css';

function stepLabel(s: StepDef): string {
  return `${s.label || (s.text ? s.text.split('\n')[0].slice(0, 24) : '') || s.id}（${s.id}）`;
}

/** Runs the service's saved flow tests on the given draft (the editor's, unsaved); for the publish warning. */
export async function runSavedFlowTests(serviceId: number, def: Definition): Promise<FlowTestRun> {
  return api.post<FlowTestRun>(`/api/services/${serviceId}/flow-tests/run`, { definition: def });
}

/** Flow tests of a draft: scripted answers and the outcome expected, saved with the service, run by the server's engine. */
export default function FlowTests({ serviceId, def, disabled }: { serviceId: number; def: Definition; disabled: boolean }) {
  const { t } = useI18n();
  const [forms, setForms] = useState<FlowTestForm[] | null>(null);
  const [run, setRun] = useState<FlowTestRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let alive = true;
    api.get<{ tests: FlowTest[] }>(`/api/services/${serviceId}/flow-tests`).then(
      (r) => { if (alive) setForms(r.tests.map(toForm)); },
      (e) => { if (alive) { setError(e); setForms([]); } });
    return () => { alive = false; };
  }, [serviceId]);
  if (!forms) return null;

  const change = (i: number, patch: Partial<FlowTestForm>) => {
    setForms(forms.map((f, k) => (k === i ? { ...f, ...patch } : f)));
    setRun(null); setNotice(null);
  };
  const act = async (fn: () => Promise<void>) => {
    setBusy(true); setError(null); setNotice(null);
    try { await fn(); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const save = () => act(async () => {
    await api.put(`/api/services/${serviceId}/flow-tests`, { tests: forms.map(fromForm) });
    setNotice(t('ft.saved'));
  });
  const runAll = () => act(async () => {
    const r = await api.post<FlowTestRun>(`/api/services/${serviceId}/flow-tests/run`, { definition: def, tests: forms.map(fromForm) });
    setRun(r);
  });

  return (
    <section className="card flow-tests" aria-labelledby="ft-h" data-testid="flow-tests">
      <h2 id="ft-h">{t('ft.title')}</h2>
      <p className="muted">{t('ft.help')}</p>
      {forms.length === 0 && <p data-testid="ft-empty">{t('ft.empty')}</p>}
      <ol className="flow-test-list">
        {forms.map((f, i) => {
          const res = run?.results[i];
          const p = `ft-${i}`;
          return (
            <li key={i} className={`flow-test${res ? (res.ok ? ' flow-test-pass' : ' flow-test-fail') : ''}`} data-testid="flow-test">
              <fieldset>
                <legend>{t('ft.legend', { n: i + 1, name: f.name })}</legend>
                <div className="field"><label htmlFor={`${p}-name`}>{t('ft.name')}</label>
                  <input id={`${p}-name`} value={f.name} maxLength={80} onChange={(e) => change(i, { name: e.target.value })} data-testid="ft-name" /></div>
                <div className="field"><label htmlFor={`${p}-answers`}>{t('ft.answers')}</label>
                  <textarea id={`${p}-answers`} rows={4} value={f.answers} onChange={(e) => change(i, { answers: e.target.value })}
                    aria-describedby={`${p}-answers-h`} data-testid="ft-answers" />
                  <small id={`${p}-answers-h`} className="muted">{t('ft.answersHelp')}</small></div>
                <div className="flow-test-expect">
                  <div className="field"><label htmlFor={`${p}-sub`}>{t('ft.submitted')}</label>
                    <select id={`${p}-sub`} value={f.submitted} onChange={(e) => change(i, { submitted: e.target.value as FlowTestForm['submitted'] })} data-testid="ft-submitted">
                      <option value="">{t('ft.any')}</option>
                      <option value="yes">{t('ft.submittedYes')}</option>
                      <option value="no">{t('ft.submittedNo')}</option>
                    </select></div>
                  <div className="field"><label htmlFor={`${p}-fee`}>{t('ft.fee')}</label>
                    <input id={`${p}-fee`} type="number" min={0} inputMode="numeric" value={f.fee} onChange={(e) => change(i, { fee: e.target.value })} data-testid="ft-fee" /></div>
                  <div className="field"><label htmlFor={`${p}-step`}>{t('ft.step')}</label>
                    <select id={`${p}-step`} value={f.step} onChange={(e) => change(i, { step: e.target.value })} data-testid="ft-step">
                      <option value="">{t('ft.any')}</option>
                      <option value="end">{t('ft.stepEnd')}</option>
                      {def.steps.map((s) => <option key={s.id} value={s.id}>{stepLabel(s)}</option>)}
                    </select></div>
                </div>
                {f.fields.map((x, k) => (
                  <div key={k} className="flow-test-field" data-testid="ft-field">
                    <div className="field"><label htmlFor={`${p}-f${k}`}>{t('ft.fieldStep', { n: k + 1 })}</label>
                      <select id={`${p}-f${k}`} value={x.step} onChange={(e) => change(i, { fields: f.fields.map((y, m) => (m === k ? { ...y, step: e.target.value } : y)) })} data-testid="ft-field-step">
                        <option value="">{t('bld.pick')}</option>
                        {def.steps.filter((s) => !['message', 'branch', 'confirm', 'submit'].includes(s.kind)).map((s) => <option key={s.id} value={s.id}>{stepLabel(s)}</option>)}
                      </select></div>
                    <div className="field"><label htmlFor={`${p}-v${k}`}>{t('ft.fieldValue', { n: k + 1 })}</label>
                      <input id={`${p}-v${k}`} value={x.value} onChange={(e) => change(i, { fields: f.fields.map((y, m) => (m === k ? { ...y, value: e.target.value } : y)) })} data-testid="ft-field-value" /></div>
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => change(i, { fields: f.fields.filter((_, m) => m !== k) })}>{t('ft.fieldRemove', { n: k + 1 })}</button>
                  </div>
                ))}
                <div className="btn-row">
                  <button type="button" className="btn btn-small" onClick={() => change(i, { fields: [...f.fields, { step: '', value: '' }] })} data-testid="ft-field-add">{t('ft.fieldAdd')}</button>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => { setForms(forms.filter((_, k) => k !== i)); setRun(null); }} data-testid="ft-remove">{t('ft.remove', { name: f.name })}</button>
                </div>
              </fieldset>
              {res && (
                <div className="flow-test-result" data-testid="ft-result" data-ok={String(res.ok)}>
                  <p><strong className={`badge ${res.ok ? 'badge-ok' : 'badge-error'}`}>{res.ok ? t('ft.pass') : t('ft.fail')}</strong>{' '}
                    {t('ft.outcome', { answered: res.answered, fee: res.fee })}{res.submitted ? ` ${t('ft.reachedSubmit')}` : ''}</p>
                  {res.failures.length > 0 && <ul data-testid="ft-failures">{res.failures.map((x, k) => <li key={k}>{x}</li>)}</ul>}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      <div className="btn-row">
        <button type="button" className="btn" onClick={() => { setForms([...forms, blankForm(forms.length + 1)]); setRun(null); }} data-testid="ft-add">{t('ft.add')}</button>
        <button type="button" className="btn" onClick={() => void save()} disabled={busy} data-testid="ft-save">{t('ft.save')}</button>
        <button type="button" className="btn btn-primary" onClick={() => void runAll()} disabled={busy || disabled || forms.length === 0} data-testid="ft-run">{t('ft.run')}</button>
      </div>
      {disabled && <p className="muted">{t('ft.disabled')}</p>}
      <div role="status" aria-live="polite">
        {run && <p data-testid="ft-summary" className={run.failed ? 'ft-summary-fail' : 'ft-summary-pass'}>{t('ft.summary', { passed: run.passed, total: run.passed + run.failed })}</p>}
      </div>
      <Notice text={notice} testId="ft-notice" />
      <ErrorMessage error={error} testId="ft-error" />
    </section>
  );
}

/** In the publish confirmation: the failing flow tests by name (nothing when all pass or there are none). */
export function PublishTestWarning({ run }: { run: FlowTestRun | null }) {
  const { t } = useI18n();
  if (run === null) return <p className="ft-warning" data-testid="publish-tests-unknown">{t('ft.publishWarnUnknown')}</p>;
  const failing = failingNames(run);
  if (!failing.length) return null;
  return (
    <div className="ft-warning" data-testid="publish-tests-failing">
      <p><strong>{t('ft.publishWarn')}</strong></p>
      <ul>{failing.map((n, i) => <li key={i}>{n}</li>)}</ul>
    </div>
  );
}
