import { useRef, useState, type ChangeEvent } from 'react';
import { Link } from 'react-router-dom';
import { api, type PublishResult, type ServiceDetail, type ServiceRow } from '../api';
import { ErrorMessage, Loading, Notice, useLoad } from '../common';
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';
import { ServiceVisibilityNote } from './ServiceVisibility';
import { useConfirm } from './ConfirmDialog';
import { ChangeList, DraftChangesNote } from './DraftChanges';
import { atLeast, useSession } from './session';

async function readJsonFile(file: File): Promise<unknown> {
  const text = await file.text();
  return JSON.parse(text.replace(/^\uFEFF/, ''));
}

export default function Services() {
  const { t, locale } = useI18n();
  const session = useSession();
  const canEdit = atLeast(session.user.role, 'editor');
  const list = useLoad(() => api.get<{ items: ServiceRow[] }>('/api/services'), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [errorTitle, setErrorTitle] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<number | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);
  const [confirmDialog, ask] = useConfirm();
  // Publishing and unpublishing are confirmed first, saying what residents will see.
  const confirmPublish = (s: ServiceRow) => ask({
    title: t('pub.confirmPublishTitle', { title: s.title }), confirmLabel: t('pub.confirmPublish'), cancelLabel: t('pub.cancel'), testId: 'confirm-publish',
    body: (<>
      <p>{t('pub.confirmPublishBody')}</p>
      {s.draft_changed && s.draft_changes ? <><p>{t('pub.confirmPublishChanges')}</p><ChangeList changes={s.draft_changes} /></> : null}
      {s.status === 'published' && s.draft_changes && !s.draft_changed ? <p>{t('pub.confirmPublishSame')}</p> : null}
    </>),
  });
  const confirmUnpublish = (s: ServiceRow) => ask({
    title: t('pub.confirmUnpublishTitle', { title: s.title }), confirmLabel: t('pub.confirmUnpublish'), cancelLabel: t('pub.cancel'), testId: 'confirm-unpublish',
    body: <p>{t('pub.confirmUnpublishBody')}</p>,
  });

  const run = async (fn: () => Promise<string>, title?: string) => {
    setBusy(true); setError(null); setNotice(null); setErrorTitle(undefined);
    try { setNotice(await fn()); list.reload(); } catch (e) { setErrorTitle(title); setError(e); } finally { setBusy(false); }
  };

  const upload = async (e: ChangeEvent<HTMLInputElement>, replaceId?: number) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    let definition: unknown;
    try { definition = await readJsonFile(file); } catch (err) {
      setNotice(null); setErrorTitle(undefined);
      setError(new Error(t('svc.invalidJson', { msg: (err as Error).message })));
      return;
    }
    await run(async () => {
      const s = replaceId
        ? await api.put<ServiceRow>(`/api/services/${replaceId}`, { definition })
        : await api.post<ServiceRow>('/api/services', { definition });
      return t('svc.uploaded', { title: s?.title ?? file.name });
    }, t('svc.validation'));
  };

  const statusText = (s: ServiceRow) => s.status === 'published' ? t('svc.published') : s.status === 'draft' ? t('svc.draft') : s.status === 'unpublished' ? t('svc.unpublished') : s.status;

  return (
    <section data-testid="services">
      <h1>{t('svc.title')}</h1>
      {canEdit && (
        <div className="card">
          <h2><label htmlFor="svc-file">{t('svc.upload')}</label></h2>
          <p className="muted">{t('svc.uploadHelp')}</p>
          <input id="svc-file" ref={fileRef} type="file" accept="application/json,.json" disabled={busy} onChange={(e) => upload(e)} data-testid="service-upload" />
          <p className="btn-row"><Link className="btn btn-primary" to="/console/services/new" data-testid="builder-new-link">{t('bld.newLink')}</Link>
            <Link className="btn" to="/console/templates" data-testid="gallery-link">{t('pub.galleryLink')}</Link></p>
        </div>
      )}
      <Notice text={notice} />
      <ErrorMessage error={error} title={errorTitle} testId="service-error" />
      {list.loading && !list.data ? <Loading /> : <ErrorMessage error={list.error} />}
      {list.data && (list.data.items.length === 0 ? <p>{t('svc.empty')}</p> : (
        <div className="table-wrap">
          <table className="table" data-testid="services-table">
            <thead>
              <tr>
                <th scope="col">{t('svc.name')}</th><th scope="col">{t('svc.category')}</th><th scope="col">{t('svc.department')}</th>
                <th scope="col">{t('svc.status')}</th><th scope="col">{t('svc.version')}</th><th scope="col">{t('svc.draftUpdated')}</th><th scope="col"><span className="sr-only">操作</span></th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <ServiceRowView key={s.id} s={s} statusText={statusText(s)} canEdit={canEdit} busy={busy} locale={locale}
                  open={open === s.id} toggle={() => setOpen(open === s.id ? null : s.id)}
                  publish={async () => { if (await confirmPublish(s)) await run(async () => { const r = await api.post<PublishResult>(`/api/services/${s.id}/publish`); return r?.new_version === false ? t('pub.unchangedMsg', { version: r.version }) : t('svc.publishedMsg', { version: r?.version ?? '' }); }); }}
                  unpublish={async () => { if (await confirmUnpublish(s)) await run(async () => { await api.post(`/api/services/${s.id}/unpublish`); return t('svc.unpublishedMsg'); }); }}
                  replace={(e) => upload(e, s.id)} />
              ))}
            </tbody>
          </table>
        </div>
      ))}
      {confirmDialog}
    </section>
  );
}

function ServiceRowView(props: {
  s: ServiceRow; statusText: string; canEdit: boolean; busy: boolean; locale: 'ja' | 'en'; open: boolean;
  toggle: () => void; publish: () => void; unpublish: () => void; replace: (e: ChangeEvent<HTMLInputElement>) => void;
}) {
  const { s, canEdit, busy, locale, open } = props;
  const { t } = useI18n();
  return (
    <>
      <tr data-testid="service-row" data-service-key={s.service_key}>
        <td><strong>{s.title}</strong><br /><small className="mono muted">{s.service_key}</small></td>
        <td>{s.category}</td>
        <td>{s.department}</td>
        <td><span className={`badge badge-svc-${s.status}`}>{props.statusText}</span><ServiceVisibilityNote s={s} /><DraftChangesNote s={s} /></td>
        <td>{s.published_version ?? '—'}</td>
        <td>{formatDateTime(s.draft_updated_at ?? undefined, locale)}</td>
        <td>
          <div className="btn-row">
            {canEdit && <button type="button" className="btn btn-small btn-primary" disabled={busy} onClick={props.publish} data-testid="service-publish">{t('svc.publish')}</button>}
            {canEdit && s.status === 'published' && <button type="button" className="btn btn-small" disabled={busy} onClick={props.unpublish} data-testid="service-unpublish">{t('svc.unpublish')}</button>}
            {canEdit && <Link className="btn btn-small" to={`/console/services/${s.id}/edit`} data-testid="service-edit">{t('bld.editLink')}</Link>}
            <Link className="btn btn-small" to={`/console/services/${s.id}/results`} data-testid="service-results">{t('results.link')}</Link>
            <a className="btn btn-small" href={`/api/services/${s.id}/export`} download={`${s.service_key}.json`} data-testid="service-export">{t('svc.export')}</a>
            <button type="button" className="btn btn-small btn-ghost" aria-expanded={open} onClick={props.toggle} data-testid="service-versions">{t('svc.versions')}</button>
          </div>
        </td>
      </tr>
      {open && (
        <tr className="subrow">
          <td colSpan={7}><ServiceVersions id={s.id} canEdit={canEdit} busy={busy} replace={props.replace} /></td>
        </tr>
      )}
    </>
  );
}

function ServiceVersions({ id, canEdit, busy, replace }: { id: number; canEdit: boolean; busy: boolean; replace: (e: ChangeEvent<HTMLInputElement>) => void }) {
  const { t, locale } = useI18n();
  const d = useLoad(() => api.get<ServiceDetail>(`/api/services/${id}`), [id]);
  if (d.loading && !d.data) return <Loading />;
  if (d.error) return <ErrorMessage error={d.error} />;
  const versions = d.data?.versions ?? [];
  return (
    <div className="versions">
      {versions.length === 0 ? <p className="muted">{t('svc.noVersions')}</p> : (
        <ul>
          {versions.map((v) => <li key={v.version}>v{v.version} — {formatDateTime(v.published_at, locale)}{v.published_by ? ` ／ ${t('svc.publishedBy')}: ${v.published_by}` : ''}</li>)}
        </ul>
      )}
      {canEdit && (
        <div className="field">
          <label htmlFor={`svc-replace-${id}`}>{t('svc.replace')}</label>
          <input id={`svc-replace-${id}`} type="file" accept="application/json,.json" disabled={busy} onChange={replace} />
        </div>
      )}
    </div>
  );
}
