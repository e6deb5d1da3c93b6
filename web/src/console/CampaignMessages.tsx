import { useRef } from 'react';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { unknownVariables, variableNames, type AttrDef } from './segmentModel';

/** One message as staff write it; `toLine` gives LINE's own form, which the server stores. */
export type DraftMessage =
  | { type: 'text'; text: string }
  | { type: 'image'; url: string }
  | { type: 'card'; title: string; text: string; label: string; url: string };
export const MAX_MESSAGES = 5; // LINE's limit per delivery

export type LineMessage = Record<string, unknown>;

export function toLine(m: DraftMessage): LineMessage {
  switch (m.type) {
    case 'text': return { type: 'text', text: m.text };
    case 'image': return { type: 'image', originalContentUrl: m.url.trim(), previewImageUrl: m.url.trim() };
    case 'card': return {
      type: 'template',
      altText: m.title.trim() || m.text,
      template: { type: 'buttons', ...(m.title.trim() ? { title: m.title.trim() } : {}), text: m.text, actions: [{ type: 'uri', label: m.label, uri: m.url.trim() }] },
    };
  }
}

/** Example values for the preview: a choice's first option, otherwise the name in 〔〕. */
export function sampleText(text: string, defs: AttrDef[]): string {
  return text.replace(/\{([^{}\r\n]{1,40})\}/g, (all, name: string) => {
    const d = defs.find((x) => x.label === name && x.type !== 'tag');
    if (!d) return all;
    return d.options[0]?.label ?? `〔${d.label}〕`;
  });
}

export function MessageEditor({ messages, defs, onChange }: { messages: DraftMessage[]; defs: AttrDef[]; onChange: (m: DraftMessage[]) => void }) {
  const { t } = useI18n();
  const set = (i: number, m: DraftMessage) => onChange(messages.map((x, j) => (j === i ? m : x)));
  const add = (m: DraftMessage) => onChange([...messages, m]);
  const full = messages.length >= MAX_MESSAGES;
  return (
    <div className="campaign-messages" data-testid="campaign-messages">
      <ol className="campaign-message-list">
        {messages.map((m, i) => (
          <li key={i} className="card" data-testid="campaign-message">
            <h3>{t('cp.messageN', { n: i + 1 })}：{t(`cp.kind.${m.type}` as MessageKey)}</h3>
            {m.type === 'text' && <TextEditor n={i + 1} text={m.text} defs={defs} onChange={(text) => set(i, { ...m, text })} />}
            {m.type === 'image' && (
              <div className="field">
                <label htmlFor={`msg-${i}-url`}>{t('cp.imageUrl')}</label>
                <input id={`msg-${i}-url`} type="url" inputMode="url" placeholder="https://" value={m.url} onChange={(e) => set(i, { ...m, url: e.target.value })} data-testid="campaign-image-url" />
              </div>
            )}
            {m.type === 'card' && (
              <>
                <div className="field">
                  <label htmlFor={`msg-${i}-title`}>{t('cp.cardTitle')}</label>
                  <input id={`msg-${i}-title`} maxLength={40} value={m.title} onChange={(e) => set(i, { ...m, title: e.target.value })} data-testid="campaign-card-title" />
                </div>
                <div className="field">
                  <label htmlFor={`msg-${i}-text`}>{t('cp.cardText')}</label>
                  <textarea id={`msg-${i}-text`} maxLength={m.title.trim() ? 60 : 160} rows={2} value={m.text} onChange={(e) => set(i, { ...m, text: e.target.value })} data-testid="campaign-card-text" />
                </div>
                <div className="field">
                  <label htmlFor={`msg-${i}-label`}>{t('cp.cardLabel')}</label>
                  <input id={`msg-${i}-label`} maxLength={20} value={m.label} onChange={(e) => set(i, { ...m, label: e.target.value })} data-testid="campaign-card-label" />
                </div>
                <div className="field">
                  <label htmlFor={`msg-${i}-url`}>{t('cp.cardUrl')}</label>
                  <input id={`msg-${i}-url`} type="url" inputMode="url" placeholder="https://" value={m.url} onChange={(e) => set(i, { ...m, url: e.target.value })} data-testid="campaign-card-url" />
                </div>
              </>
            )}
            <button type="button" className="btn btn-ghost" onClick={() => onChange(messages.filter((_, j) => j !== i))} disabled={messages.length === 1}>{t('cp.removeMessage', { n: i + 1 })}</button>
          </li>
        ))}
      </ol>
      <div className="actions">
        <button type="button" className="btn" disabled={full} onClick={() => add({ type: 'text', text: '' })} data-testid="campaign-add-text">{t('cp.addText')}</button>
        <button type="button" className="btn" disabled={full} onClick={() => add({ type: 'image', url: '' })} data-testid="campaign-add-image">{t('cp.addImage')}</button>
        <button type="button" className="btn" disabled={full} onClick={() => add({ type: 'card', title: '', text: '', label: '', url: '' })} data-testid="campaign-add-card">{t('cp.addCard')}</button>
      </div>
      {full && <p className="muted">{t('cp.max')}</p>}
    </div>
  );
}

function TextEditor({ n, text, defs, onChange }: { n: number; text: string; defs: AttrDef[]; onChange: (s: string) => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLTextAreaElement>(null);
  const id = `msg-text-${n}`;
  const unknown = unknownVariables(text, defs);
  const insert = (name: string) => {
    const el = ref.current;
    const at = el ? el.selectionStart : text.length;
    onChange(text.slice(0, at) + `{${name}}` + text.slice(el ? el.selectionEnd : at));
    el?.focus();
  };
  const vars = variableNames(defs);
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{t('cp.text')}</label>
        <textarea id={id} ref={ref} rows={4} maxLength={5000} value={text} onChange={(e) => onChange(e.target.value)} aria-describedby={`${id}-vars`} data-testid="campaign-text" />
      </div>
      {vars.length > 0 && (
        <div className="campaign-vars" id={`${id}-vars`}>
          <span className="muted">{t('cp.vars')}</span>
          {vars.map((v) => <button key={v} type="button" className="btn btn-ghost" onClick={() => insert(v)} data-testid="campaign-var">{`{${v}}`}</button>)}
        </div>
      )}
      {unknown.length > 0 && <p className="field-error" role="alert">{t('cp.unknownVars', { names: unknown.join('、') })}</p>}
    </>
  );
}

/** The messages as the LINE app shows them (bubbles in a phone) and as the web inbox lists them. */
export function CampaignPreview({ title, messages, defs, town }: { title: string; messages: DraftMessage[]; defs: AttrDef[]; town: string }) {
  const { t } = useI18n();
  const webText = messages.map((m) => {
    if (m.type === 'text') return sampleText(m.text, defs);
    if (m.type === 'card') return [m.title, m.text, m.url ? `${m.label}: ${m.url}` : ''].filter(Boolean).join('\n');
    return '';
  }).filter(Boolean).join('\n\n');
  return (
    <div className="campaign-previews">
      <figure className="line-phone" data-testid="campaign-preview-line">
        <figcaption>{t('cp.previewLine')}</figcaption>
        <div className="line-phone-screen">
          <div className="line-phone-head">{town}</div>
          <div className="line-phone-chat">
            {messages.map((m, i) => (
              <div key={i} className="line-bubble-row">
                {m.type === 'text' && <div className="line-bubble">{sampleText(m.text, defs) || '…'}</div>}
                {m.type === 'image' && <div className="line-image">{t('cp.imagePlaceholder')}<br /><small>{m.url}</small></div>}
                {m.type === 'card' && (
                  <div className="line-card">
                    {m.title && <strong>{m.title}</strong>}
                    <p>{m.text || '…'}</p>
                    <span className="line-card-button">{m.label || '…'}</span>
                  </div>
                )}
              </div>
            ))}
          </div>
        </div>
      </figure>
      <figure className="web-inbox-preview card" data-testid="campaign-preview-web">
        <figcaption>{t('cp.previewWeb')}</figcaption>
        <h3>{title || '…'}</h3>
        <p className="preserve-lines">{webText || '…'}</p>
        {messages.some((m) => m.type === 'image') && <p className="muted">{t('cp.webNoImage')}</p>}
      </figure>
    </div>
  );
}
