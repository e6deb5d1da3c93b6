import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type ServiceRow, type ServiceTemplate, type TemplateStep } from '../api';
import { ErrorMessage, Loading, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import { atLeast, useSession } from './session';

/** The template gallery: every bundled template with a readable preview; adding one makes a draft. */
export default function Templates() {
  const { t } = useI18n();
  const session = useSession();
  const canEdit = atLeast(session.user.role, 'editor');
  const list = useLoad(() => api.get<{ items: ServiceTemplate[] }>('/api/service-templates'), []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);

  const add = async (tpl: ServiceTemplate) => {
    setBusy(true); setError(null); setAdded(null);
    try {
      const s = await api.post<ServiceRow>(`/api/service-templates/${encodeURIComponent(tpl.key)}`);
      setAdded(t('tpl.addedMsg', { title: s.title }));
      list.reload();
    } catch (e) { setError(e); } finally { setBusy(false); }
  };

  return (
    <section data-testid="templates">
      <h1>{t('tpl.title')}</h1>
      <p className="muted">{t('tpl.intro')}</p>
      <div className="notice-slot" role="status" aria-live="polite">
        {added && <div className="alert alert-ok" data-testid="notice">{added} <Link to="/console/services">{t('tpl.goServices')}</Link></div>}
      </div>
      <ErrorMessage error={error} testId="template-error" />
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p>{t('tpl.empty')}</p> : (
        <ul className="template-list">
          {list.data.items.map((tpl) => (
            <li key={tpl.key} className="card" data-testid="template-card" data-key={tpl.key}>
              <h2>{tpl.title}</h2>
              <p className="muted">{[tpl.category, tpl.department].filter(Boolean).join('／')}　{tpl.fee ? t('tpl.fee', { fee: tpl.fee.toLocaleString('ja-JP') }) : t('tpl.noFee')}</p>
              <p>{tpl.description}</p>
              {tpl.lists.map((l) => <p key={l} className="alert alert-warn">{t('tpl.needsList', { list: l })}</p>)}
              <details data-testid="template-preview">
                <summary>{t('tpl.preview')}</summary>
                <TemplateSteps steps={tpl.steps} />
              </details>
              {canEdit && (tpl.service_id
                ? <p><span className="badge badge-svc-draft">{t('tpl.added')}</span></p>
                : <button type="button" className="btn btn-primary" disabled={busy} onClick={() => add(tpl)} data-testid="template-add">{t('tpl.add')}</button>)}
            </li>
          ))}
        </ul>
      ))}
    </section>
  );
}

function TemplateSteps({ steps }: { steps: TemplateStep[] }) {
  const { t } = useI18n();
  const yen = (n: number) => n.toLocaleString('ja-JP');
  return (
    <ol className="template-steps">
      {steps.map((s) => (
        <li key={s.id}>
          <strong>{s.label}</strong>{s.optional ? t('tpl.optional') : ''} <span className="muted">［{s.kind_label}］</span>
          {s.text && s.text !== s.label && <p className="step-text">{s.text}</p>}
          {s.choices && s.choices.length > 0 && (
            <ul>
              {s.choices.map((c, i) => <li key={i}>{c.label}{c.fee ? `（${t('tpl.yen', { fee: yen(c.fee) })}）` : ''}</li>)}
            </ul>
          )}
          {s.unit_fee ? <p className="step-text">{t('tpl.unitFee', { fee: yen(s.unit_fee) })}</p> : null}
          {s.match_labels && s.match_labels.length > 0 && <p className="step-text">{t('tpl.matchOn', { fields: s.match_labels.join('・') })}</p>}
        </li>
      ))}
    </ol>
  );
}
