import { useState } from 'react';
import { useI18n } from '../i18n-react';
import FaqEntries from './FaqEntries';
import FaqGenerative from './FaqGenerative';
import FaqPages from './FaqPages';
import FaqStats from './FaqStats';
import FaqTestBox from './FaqTestBox';
import FaqUnanswered from './FaqUnanswered';
import { atLeast, useSession } from './session';

/** よくある質問 (issue 14): the unanswered log first (the work to do), the test box, the entries. */
export default function FaqPage() {
  const { t } = useI18n();
  const session = useSession();
  const canEdit = atLeast(session.user.role, 'editor');
  const [version, setVersion] = useState(0);
  return (
    <section data-testid="faq-console">
      <h1>{t('faqc.title')}</h1>
      <p className="muted">{t('faqc.intro')}</p>
      <FaqUnanswered canEdit={canEdit} changed={() => setVersion((v) => v + 1)} />
      <FaqTestBox />
      <FaqEntries canEdit={canEdit} version={version} />
      <FaqPages canEdit={canEdit} />
      <FaqStats />
      <FaqGenerative canAdmin={atLeast(session.user.role, 'admin')} />
    </section>
  );
}
