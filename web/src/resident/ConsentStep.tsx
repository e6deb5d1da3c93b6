// The privacy notice (個人情報の取扱い) the server shows before the first personal question:
// the town's text, a link to the full policy, and 同意する / 同意しない (after a refusal: やめる).
import type { RefObject } from 'react';
import type { Input, QuestionPrompt } from '../chat/prompts';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';

export interface PrivacyNotice { text: string; url?: string; version?: string; declined?: boolean }

const LABELS: Record<string, { key: MessageKey; testId: string; primary: boolean }> = {
  __agree__: { key: 'consent.agree', testId: 'consent-agree', primary: true },
  __decline__: { key: 'consent.decline', testId: 'consent-decline', primary: false },
  __quit__: { key: 'consent.quit', testId: 'consent-quit', primary: false },
};

// Only http(s) links are rendered, whatever the definition holds.
function safeUrl(url?: string): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch { return null; }
}

export default function ConsentStep({ q, active, send, activeRef }: {
  q: QuestionPrompt; active: boolean; send: (input: Input, about?: QuestionPrompt) => Promise<void>;
  activeRef?: RefObject<HTMLDivElement | null>;
}) {
  const { t } = useI18n();
  const notice = (q as QuestionPrompt & { notice?: PrivacyNotice }).notice;
  const headingId = `consent-${q.step_id}`;
  const url = safeUrl(notice?.url);
  return (
    <div className="bubble-row bot">
      <div className={`bubble bubble-bot consent${active ? ' question-active' : ''}`}
        data-testid={active ? 'chat-active' : 'question'} data-input-type="consent" data-step-id={q.step_id}
        ref={active ? activeRef : undefined} tabIndex={active ? -1 : undefined}
        role={active ? 'group' : undefined} aria-labelledby={headingId}>
        <h2 className="consent-title" id={headingId}>{t('consent.title')}</h2>
        {notice ? (
          <>
            <p className="consent-text" data-testid="consent-text">{notice.text}</p>
            {url && <p><a className="consent-link" href={url} target="_blank" rel="noopener noreferrer" data-testid="consent-link">{t('consent.more')}</a></p>}
            <p className="consent-ask q-text" data-testid="consent-ask">{notice.declined ? t('consent.declined') : t('consent.ask')}</p>
          </>
        ) : <p className="consent-text q-text">{q.text}</p>}
        {active && (
          <div className="choices">
            {(q.choices ?? []).map((c) => {
              const l = LABELS[c.value];
              return (
                <button key={c.value} type="button" className={`btn choice-btn${l?.primary ? ' btn-primary' : ''}`}
                  data-testid={l?.testId ?? 'choice'} data-value={c.value}
                  onClick={() => send({ type: 'choice', value: c.value }, q)}>{l ? t(l.key) : c.label}</button>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}
