import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../api';
import { errorText, Loading, usePageTitle } from '../common';
import { useI18n } from '../i18n-react';
import ResidentChat from './ResidentChat';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';

interface OpenedCorrection { id: number; session_id: string; reason: string; receipt_number: string; service_id: number; service_title: string }

// /t/:tenant/my/correction/:correctionId — from 申請した手続き or a link staff sent. The server
// hands the correction's chat only to the browser that applied; others get a clear refusal.
export default function CorrectionChat() {
  const { tenant = '', correctionId = '' } = useParams();
  const { t } = useI18n();
  const info = useTenantInfo(tenant);
  const [opened, setOpened] = useState<OpenedCorrection | null>(null);
  const [error, setError] = useState<unknown>(null);
  usePageTitle(t('res.correctionTitle'), info.data?.name);

  useEffect(() => {
    let live = true;
    setOpened(null); setError(null);
    api.post<OpenedCorrection>(`/api/public/${encodeURIComponent(tenant)}/my/corrections/${encodeURIComponent(correctionId)}/chat`, {}).then(
      (c) => { if (live) setOpened(c); },
      (e) => { if (live) setError(e); },
    );
    return () => { live = false; };
  }, [tenant, correctionId]);

  const session = useMemo(() => opened && { sessionId: opened.session_id, serviceId: String(opened.service_id), title: opened.service_title }, [opened]);
  if (session) return <ResidentChat key={session.sessionId} correction={session} />;
  return (
    <ResidentLayout tenant={tenant} name={info.data?.name}>
      <h1>{t('res.correctionTitle')}</h1>
      {error ? <p className="alert alert-error" role="alert" data-testid="correction-refused">{errorText(error, t)}</p> : <Loading />}
      <p><Link className="back-link" to={`/t/${encodeURIComponent(tenant)}/my`}>← {t('res.my')}</Link></p>
    </ResidentLayout>
  );
}
