import { useState } from 'react';
import { api, type DraftChange, type ServiceDetail } from '../../api';
import { ErrorMessage, Loading, useLoad } from '../../common';
import { formatDateTime } from '../../format';
import { useI18n } from '../../i18n-react';
import { useConfirm } from '../ConfirmDialog';
import { ChangeList } from '../DraftChanges';

/** Published versions: what the draft changes compared with each (in words), and rollback in one action. */
export default function Versions({ id, refreshKey, onRestored }: { id: number; refreshKey: number; onRestored: () => void }) {
  const { t, locale } = useI18n();
  const d = useLoad(() => api.get<ServiceDetail>(`/api/services/${id}`), [id, refreshKey]);
  const [shown, setShown] = useState<{ version: number; items: DraftChange[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmDialog, ask] = useConfirm();
  const compare = async (version: number) => {
    setError(null);
    try { setShown({ version, items: (await api.get<{ items: DraftChange[] }>(`/api/services/${id}/changes?from=${version}`)).items }); } catch (e) { setError(e); }
  };
  const restore = async (version: number) => {
    const ok = await ask({ title: t('bld.restoreTitle', { version }), body: <p>{t('bld.restoreBody', { version })}</p>,
      confirmLabel: t('bld.restore', { version }), cancelLabel: t('pub.cancel'), testId: 'confirm-restore' });
    if (!ok) return;
    setError(null);
    try { await api.post(`/api/services/${id}/versions/${version}/restore`, {}); onRestored(); } catch (e) { setError(e); }
  };
  const versions = d.data?.versions ?? [];
  return (
    <section className="card" aria-labelledby="bld-versions-h" data-testid="builder-versions">
      <h2 id="bld-versions-h">{t('bld.versions')}</h2>
      {d.loading && !d.data ? <Loading /> : versions.length === 0 ? <p className="muted">{t('svc.noVersions')}</p> : (
        <ul className="builder-versions">
          {[...versions].reverse().map((v) => (
            <li key={v.version} data-testid="version-row" data-version={v.version}>
              <span>v{v.version} — {formatDateTime(v.published_at, locale)}{v.version === d.data?.published_version ? ` （${t('bld.current')}）` : ''}</span>
              <div className="btn-row">
                <button type="button" className="btn btn-small" onClick={() => void compare(v.version)} data-testid="version-compare">{t('bld.compare', { version: v.version })}</button>
                {v.version !== d.data?.published_version && (
                  <button type="button" className="btn btn-small" onClick={() => void restore(v.version)} data-testid="version-restore">{t('bld.restore', { version: v.version })}</button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {shown && (
        <div role="status" data-testid="version-changes">
          <h3>{t('bld.changesSince', { version: shown.version })}</h3>
          {shown.items.length ? <ChangeList changes={shown.items} /> : <p>{t('bld.noChanges')}</p>}
        </div>
      )}
      <ErrorMessage error={error} />
      {confirmDialog}
    </section>
  );
}
