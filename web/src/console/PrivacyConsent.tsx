// The resident's consent to the service's privacy notice, as stored with the application.
import { formatDateTime } from '../format';
import { useI18n } from '../i18n-react';

export interface PrivacyConsentRecord { notice_sha256: string; notice_version?: string; agreed_at: number }

export default function PrivacyConsent({ consent }: { consent?: PrivacyConsentRecord | null }) {
  const { t, locale } = useI18n();
  if (!consent || typeof consent.agreed_at !== 'number') return null;
  return (
    <p className="muted" data-testid="privacy-consent">
      {t('consent.staff', {
        at: formatDateTime(consent.agreed_at, locale),
        version: consent.notice_version || '-',
        hash: (consent.notice_sha256 || '').slice(0, 12),
      })}
    </p>
  );
}
