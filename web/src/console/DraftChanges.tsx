import type { ServiceRow } from '../api';
import { useI18n } from '../i18n-react';

/** 「下書きに未公開の変更があります」 and what differs, computed by the server. */
export function DraftChangesNote({ s }: { s: ServiceRow }) {
  const { t } = useI18n();
  if (!s.draft_changed || !s.draft_changes?.length) return null;
  return (
    <details className="draft-changes" data-testid="draft-changes">
      <summary>{t('pub.draftChanged')}</summary>
      <ChangeList changes={s.draft_changes} />
    </details>
  );
}

export function ChangeList({ changes }: { changes: NonNullable<ServiceRow['draft_changes']> }) {
  return (
    <ul className="change-list" data-testid="change-list">
      {changes.map((c, i) => <li key={i} data-kind={c.kind}>{c.message}</li>)}
    </ul>
  );
}
