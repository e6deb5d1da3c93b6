import { useMemo, useState } from 'react';
import { api, type ServiceRow } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import RichMenuCanvas, { menuImageBase64 } from './RichMenuCanvas';
import RichMenuRules from './RichMenuRules';
import {
  ICONS, LAYOUTS, THEMES, blankArea, buildMenu, layoutById, problems, specFromMenu,
  type AreaAction, type AreaSpec, type MenuSpec,
} from './richMenuLayouts';

interface SavedMenu { name: string; menu: Parameters<typeof specFromMenu>[0]; is_default: boolean; line: { rich_menu_id: string } }
interface MenuList { default: string | null; switched_all: boolean; menus: SavedMenu[] }

const NEW_SPEC: MenuSpec = {
  layout: 'large6', chatBarText: 'メニュー', theme: 'blue',
  areas: Array.from({ length: 6 }, blankArea),
};

/** Rich menus without JSON: pick a layout, label each area, choose what a tap does, preview, save, make it the default. */
export default function RichMenus() {
  const { t } = useI18n();
  const list = useLoad(() => api.get<MenuList>('/api/line/rich-menus'), []);
  const services = useLoad(() => api.get<{ items: ServiceRow[] }>('/api/services'), []);
  const [editing, setEditing] = useState<{ name: string; spec: MenuSpec; isNew: boolean } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const makeDefault = async (name: string) => {
    setBusy(true); setError(null); setNotice(null);
    try {
      await api.post(`/api/line/rich-menus/${encodeURIComponent(name)}/default`, {});
      setNotice(t('rm.defaultDone', { name }));
      list.reload();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <section data-testid="richmenus">
      <h1>{t('rm.title')}</h1>
      <p className="muted">{t('rm.intro')}</p>
      <Notice text={notice} />
      <ErrorMessage error={error} testId="richmenu-error" />
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && !editing && (
        <>
          {list.data.menus.length === 0 ? <p>{t('rm.none')}</p> : (
            <ul className="richmenu-list">
              {list.data.menus.map((m) => (
                <li key={m.name} className="card" data-testid="richmenu-item" data-name={m.name}>
                  <h2>{m.name} {m.is_default && <span className="badge" data-testid="richmenu-default">{t('rm.isDefault')}</span>}</h2>
                  <p className="muted">{t('rm.areas', { n: m.menu.areas?.length ?? 0 })}</p>
                  <div className="actions">
                    <button type="button" className="btn" onClick={() => setEditing({ name: m.name, spec: specFromMenu(m.menu), isNew: false })} data-testid="richmenu-edit">{t('rm.edit')}</button>
                    {!m.is_default && <button type="button" className="btn" disabled={busy || list.data?.switched_all} onClick={() => makeDefault(m.name)} data-testid="richmenu-make-default">{t('rm.makeDefault')}</button>}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="btn btn-primary" onClick={() => setEditing({ name: '', spec: NEW_SPEC, isNew: true })} data-testid="richmenu-new">{t('rm.new')}</button>
          <RichMenuRules menus={list.data.menus.map((m) => m.name)} />
        </>
      )}
      {editing && (
        <MenuEditor
          initial={editing}
          services={(services.data?.items ?? []).filter((s) => s.published_version)}
          menus={list.data?.menus.map((m) => m.name) ?? []}
          onCancel={() => setEditing(null)}
          onSaved={(name) => { setEditing(null); setNotice(t('rm.saved', { name })); list.reload(); }}
        />
      )}
    </section>
  );
}

function MenuEditor({ initial, services, menus, onCancel, onSaved }: {
  initial: { name: string; spec: MenuSpec; isNew: boolean };
  services: ServiceRow[];
  menus: string[];
  onCancel: () => void;
  onSaved: (name: string) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(initial.name);
  const [spec, setSpec] = useState<MenuSpec>(initial.spec);
  const [error, setError] = useState<unknown>(null);
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const layout = layoutById(spec.layout);
  const found = useMemo(() => problems(spec), [spec]);
  const nameBad = !name.trim() || name.length > 64 || name.includes('/');

  const setLayout = (id: string) => {
    const n = layoutById(id).areas.length;
    setSpec({ ...spec, layout: id, areas: Array.from({ length: n }, (_, i) => spec.areas[i] ?? blankArea()) });
  };
  const setArea = (i: number, a: AreaSpec) => setSpec({ ...spec, areas: spec.areas.map((x, j) => (j === i ? a : x)) });

  const save = async () => {
    setTried(true); setError(null);
    if (found.length || nameBad) return;
    setBusy(true);
    try {
      await api.put(`/api/line/rich-menus/${encodeURIComponent(name.trim())}`, {
        menu: buildMenu(name.trim(), spec),
        image_base64: menuImageBase64(spec),
      });
      onSaved(name.trim());
    } catch (err) { setError(err); } finally { setBusy(false); }
  };

  return (
    <div className="richmenu-editor" data-testid="richmenu-editor">
      <h2>{initial.isNew ? t('rm.new') : t('rm.editing', { name: initial.name })}</h2>
      <div className="field">
        <label htmlFor="rm-name">{t('rm.name')}</label>
        <input id="rm-name" value={name} disabled={!initial.isNew} maxLength={64} onChange={(e) => setName(e.target.value)} aria-invalid={tried && nameBad} data-testid="richmenu-name" />
        {tried && nameBad && <p className="field-error">{t('rm.errName')}</p>}
      </div>
      <fieldset className="field">
        <legend>{t('rm.layout')}</legend>
        <div className="richmenu-layouts">
          {LAYOUTS.map((l) => (
            <label key={l.id} className="check">
              <input type="radio" name="rm-layout" checked={spec.layout === l.id} onChange={() => setLayout(l.id)} data-testid={`richmenu-layout-${l.id}`} />
              {t(`rm.layout.${l.id}` as MessageKey)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor="rm-theme">{t('rm.theme')}</label>
        <select id="rm-theme" value={spec.theme} onChange={(e) => setSpec({ ...spec, theme: e.target.value })}>
          {Object.keys(THEMES).map((k) => <option key={k} value={k}>{t(`rm.theme.${k}` as MessageKey)}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor="rm-chatbar">{t('rm.chatBar')}</label>
        <input id="rm-chatbar" value={spec.chatBarText} maxLength={14} onChange={(e) => setSpec({ ...spec, chatBarText: e.target.value })} data-testid="richmenu-chatbar" />
      </div>
      <h3>{t('rm.preview')}</h3>
      <div className="richmenu-phone">
        <RichMenuCanvas spec={spec} label={t('rm.previewLabel', { labels: spec.areas.map((a) => a.label).join('、') })} />
      </div>
      {layout.areas.map((_, i) => (
        <AreaEditor key={i} n={i + 1} area={spec.areas[i] ?? blankArea()} services={services} menus={menus.filter((m) => m !== name)} onChange={(a) => setArea(i, a)}
          errors={tried ? found.filter((p) => p.area === i + 1).map((p) => t(p.key)) : []} />
      ))}
      {tried && found.some((p) => !p.area) && <p className="field-error">{t('rm.errChatBar')}</p>}
      {tried && (found.length > 0 || nameBad) && <p className="alert alert-error" role="alert" data-testid="richmenu-problems">{t('rm.fix', { n: found.length + (nameBad ? 1 : 0) })}</p>}
      <ErrorMessage error={error} testId="richmenu-save-error" />
      <div className="actions">
        <button type="button" className="btn btn-primary" disabled={busy} onClick={save} data-testid="richmenu-save">{t('rm.save')}</button>
        <button type="button" className="btn" onClick={onCancel}>{t('rm.cancel')}</button>
      </div>
    </div>
  );
}

function AreaEditor({ n, area, services, menus, onChange, errors }: {
  n: number; area: AreaSpec; services: ServiceRow[]; menus: string[]; onChange: (a: AreaSpec) => void; errors: string[];
}) {
  const { t } = useI18n();
  const id = `rm-area-${n}`;
  const setAction = (kind: AreaAction['kind']) => {
    const next: AreaAction = kind === 'service' ? { kind, service: services[0]?.title ?? '' }
      : kind === 'url' ? { kind, url: 'https://' } : kind === 'message' ? { kind, text: '' }
      : kind === 'switch' ? { kind, menu: menus[0] ?? '' } : { kind };
    onChange({ ...area, action: next });
  };
  return (
    <fieldset className="card richmenu-area" data-testid="richmenu-area">
      <legend>{t('rm.area', { n })}</legend>
      <div className="field">
        <label htmlFor={`${id}-label`}>{t('rm.label')}</label>
        <input id={`${id}-label`} value={area.label} maxLength={20} onChange={(e) => onChange({ ...area, label: e.target.value })} aria-invalid={errors.length > 0} data-testid="richmenu-label" />
      </div>
      <div className="field">
        <label htmlFor={`${id}-icon`}>{t('rm.icon')}</label>
        <select id={`${id}-icon`} value={area.icon} onChange={(e) => onChange({ ...area, icon: e.target.value })} data-testid="richmenu-icon">
          {ICONS.map((i) => <option key={i} value={i}>{i || t('rm.noIcon')}</option>)}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-action`}>{t('rm.action')}</label>
        <select id={`${id}-action`} value={area.action.kind} onChange={(e) => setAction(e.target.value as AreaAction['kind'])} data-testid="richmenu-action">
          <option value="services">{t('rm.act.services')}</option>
          <option value="service">{t('rm.act.service')}</option>
          <option value="mine">{t('rm.act.mine')}</option>
          <option value="settings">{t('rs.richMenuAction')}</option>
          <option value="faq">{t('rm.act.faq')}</option>
          <option value="bookings">{t('rsw.richMenuAction')}</option>
          <option value="switch">{t('rt.act.switch')}</option>
          <option value="url">{t('rm.act.url')}</option>
          <option value="message">{t('rm.act.message')}</option>
        </select>
      </div>
      {area.action.kind === 'service' && (
        <div className="field">
          <label htmlFor={`${id}-service`}>{t('rm.service')}</label>
          <select id={`${id}-service`} value={area.action.service} onChange={(e) => onChange({ ...area, action: { kind: 'service', service: e.target.value } })} data-testid="richmenu-service">
            {services.map((s) => <option key={s.id} value={s.title}>{s.title}</option>)}
          </select>
        </div>
      )}
      {area.action.kind === 'switch' && (
        <div className="field">
          <label htmlFor={`${id}-menu`}>{t('rt.switchTo')}</label>
          <select id={`${id}-menu`} value={area.action.menu} onChange={(e) => onChange({ ...area, action: { kind: 'switch', menu: e.target.value } })} data-testid="richmenu-switch">
            {menus.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        </div>
      )}
      {area.action.kind === 'url' && (
        <div className="field">
          <label htmlFor={`${id}-url`}>{t('rm.url')}</label>
          <input id={`${id}-url`} type="url" value={area.action.url} onChange={(e) => onChange({ ...area, action: { kind: 'url', url: e.target.value } })} data-testid="richmenu-url" />
        </div>
      )}
      {area.action.kind === 'message' && (
        <div className="field">
          <label htmlFor={`${id}-text`}>{t('rm.text')}</label>
          <input id={`${id}-text`} value={area.action.text} maxLength={300} onChange={(e) => onChange({ ...area, action: { kind: 'message', text: e.target.value } })} />
        </div>
      )}
      {errors.map((e) => <p key={e} className="field-error">{e}</p>)}
    </fieldset>
  );
}
