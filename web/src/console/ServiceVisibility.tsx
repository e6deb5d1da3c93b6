import type { ServiceRow } from '../api';
import { useI18n } from '../i18n-react';

/** Next to 公開中: warns when residents still cannot see the service, and says why. */
export function ServiceVisibilityNote({ s }: { s: ServiceRow }) {
  const { t } = useI18n();
  if (s.status !== 'published' || !s.visibility || s.visibility.visible) return null;
  return (
    <small className="visibility-warning" role="note" data-testid="service-hidden">
      ⚠ {t('svc.hiddenFromResidents')}{s.visibility.reason ? `（${s.visibility.reason}）` : ''}
    </small>
  );
}
