import { useEffect, useState } from 'react';
import { api, type ServiceDetail, type ServiceRow, type ServiceTemplate } from '../../api';
import { useI18n } from '../../i18n-react';
import { blankDefinition } from './model';
import type { FlowTest } from './flowTestModel';

/** Where a new service starts: blank, a bundled template, or a copy of one of the town's services. */
export type NewSource = { kind: 'blank' } | { kind: 'template'; key: string } | { kind: 'copy'; id: number };

interface Names { service_key: string; title: string; department: string }

/** Creates the draft from the chosen source under the names staff gave it; a copy keeps its flow tests. */
export async function createFromSource(source: NewSource, names: Names): Promise<ServiceRow> {
  if (source.kind === 'template')
    return api.post<ServiceRow>(`/api/service-templates/${encodeURIComponent(source.key)}`, names);
  if (source.kind === 'copy') {
    const from = await api.get<ServiceDetail>(`/api/services/${source.id}`);
    const created = await api.post<ServiceRow>('/api/services', { definition: { ...(from.definition as object), ...names } });
    const tests = await api.get<{ tests: FlowTest[] }>(`/api/services/${source.id}/flow-tests`);
    if (tests.tests.length) await api.put(`/api/services/${created.id}/flow-tests`, { tests: tests.tests });
    return created;
  }
  return api.post<ServiceRow>('/api/services', { definition: blankDefinition(names.service_key, names.title, names.department) });
}

/** The choice of source on the new-service page: a gallery of templates with descriptions, or a service to copy. */
export default function NewServiceSource({ value, onChange, onPicked }: {
  value: NewSource; onChange: (s: NewSource) => void; onPicked: (suggested: { title: string; department: string }) => void;
}) {
  const { t } = useI18n();
  const [templates, setTemplates] = useState<ServiceTemplate[] | null>(null);
  const [services, setServices] = useState<ServiceRow[] | null>(null);
  useEffect(() => {
    let alive = true;
    api.get<{ items: ServiceTemplate[] }>('/api/service-templates').then((r) => { if (alive) setTemplates(r.items); }, () => { if (alive) setTemplates([]); });
    api.get<{ items: ServiceRow[] }>('/api/services').then((r) => { if (alive) setServices(r.items); }, () => { if (alive) setServices([]); });
    return () => { alive = false; };
  }, []);
  const pickTemplate = (tpl: ServiceTemplate) => { onChange({ kind: 'template', key: tpl.key }); onPicked({ title: tpl.title, department: tpl.department }); };
  const pickCopy = (id: number) => {
    const s = services?.find((x) => x.id === id);
    onChange({ kind: 'copy', id });
    if (s) onPicked({ title: t('nsv.copyTitle', { title: s.title }), department: s.department ?? '' });
  };
  return (
    <fieldset className="new-source" data-testid="new-source">
      <legend>{t('nsv.from')}</legend>
      <div className="new-source-kinds">
        <label className="check"><input type="radio" name="new-source" checked={value.kind === 'blank'} onChange={() => onChange({ kind: 'blank' })} data-testid="new-source-blank" /> {t('nsv.blank')}</label>
        <label className="check"><input type="radio" name="new-source" checked={value.kind === 'template'} disabled={!templates?.length}
          onChange={() => templates?.[0] && pickTemplate(templates[0])} data-testid="new-source-template" /> {t('nsv.template')}</label>
        <label className="check"><input type="radio" name="new-source" checked={value.kind === 'copy'} disabled={!services?.length}
          onChange={() => services?.[0] && pickCopy(services[0].id)} data-testid="new-source-copy" /> {t('nsv.copy')}</label>
      </div>
      {value.kind === 'template' && templates && (
        templates.length === 0 ? <p>{t('nsv.noTemplates')}</p> : (
          <div>
            <p className="muted">{t('nsv.templateHelp')}</p>
            <ul className="new-template-gallery" aria-label={t('nsv.template')}>
              {templates.map((tpl) => (
                <li key={tpl.key} className={`card new-template${value.key === tpl.key ? ' selected' : ''}`} data-testid="new-template" data-key={tpl.key}>
                  <label className="check">
                    <input type="radio" name="new-template" checked={value.key === tpl.key} onChange={() => pickTemplate(tpl)} data-testid="new-template-pick" />
                    <strong>{tpl.title}</strong>
                  </label>
                  <p className="muted">{[tpl.category, tpl.department, t('nsv.steps', { n: tpl.steps.length })].filter(Boolean).join('／')}</p>
                  <p>{tpl.description}</p>
                </li>
              ))}
            </ul>
          </div>
        )
      )}
      {value.kind === 'copy' && services && (
        <div className="field">
          <label htmlFor="new-copy-from">{t('nsv.copyPick')}</label>
          <select id="new-copy-from" value={value.id} onChange={(e) => pickCopy(Number(e.target.value))} data-testid="new-copy-from">
            {services.map((s) => <option key={s.id} value={s.id}>{s.title}{s.department ? `（${s.department}）` : ''}</option>)}
          </select>
        </div>
      )}
    </fieldset>
  );
}
