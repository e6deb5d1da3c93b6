import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../../api';
import { errorText } from '../../common';
import { useI18n } from '../../i18n-react';
import type { Input } from '../../chat/prompts';
import type { Definition } from './model';
import './flowtests.css';

// LINE message objects as the server's channel renderer builds them (src/channels/line/renderer.cpp).
interface LineAction { type: string; label?: string; text?: string; displayText?: string }
interface FlexNode { type: string; layout?: string; contents?: FlexNode[]; text?: string; weight?: string; size?: string; color?: string; style?: string; action?: LineAction; body?: FlexNode; header?: FlexNode; footer?: FlexNode }
export interface LineMessage {
  type: string; text?: string; altText?: string; contents?: FlexNode;
  template?: { type: string; text?: string; actions?: LineAction[] };
  quickReply?: { items: { type: string; action: LineAction }[] };
}
interface Turn { key: number; user?: string; messages: LineMessage[] }

/** What a resident's tap or text looks like in the LINE chat (the displayText LINE would echo). */
export function lineUserText(input: Input, def: Definition): string {
  const i = input as unknown as Record<string, unknown>;
  if (typeof i.text === 'string') return i.text;
  if (i.type === 'command') return i.command === 'back' ? '戻る' : String(i.command);
  if (i.type === 'choice') {
    const values = Array.isArray(i.values) ? i.values.map(String) : [String(i.value)];
    const label = (v: string) => {
      if (v === 'confirm') return 'この内容で申請する';
      for (const s of def.steps) for (const c of s.choices ?? []) if (c.value === v) return c.label || v;
      return v;
    };
    return values.map(label).join('、');
  }
  if (i.type === 'date') return String(i.date);
  return String(i.type ?? '');
}

function Flex({ node }: { node: FlexNode | undefined }): ReactNode {
  if (!node) return null;
  switch (node.type) {
    case 'bubble':
      return <div className="line-flex-bubble"><Flex node={node.header} /><Flex node={node.body} /><Flex node={node.footer} /></div>;
    case 'box':
      return <div className={`line-flex-box line-flex-${node.layout ?? 'vertical'}`}>{(node.contents ?? []).map((c, k) => <Flex key={k} node={c} />)}</div>;
    case 'text':
      return <span className={`line-flex-text${node.weight === 'bold' ? ' line-bold' : ''}${node.size === 'xs' ? ' line-small' : ''}`}>{node.text}</span>;
    case 'button':
      return <span className={`line-flex-button line-button-${node.style ?? 'link'}`}>{node.action?.label}</span>;
    case 'separator':
      return <hr className="line-flex-separator" />;
    default:
      return null;
  }
}

function Message({ m }: { m: LineMessage }) {
  const { t } = useI18n();
  if (m.type === 'text') return <div className="line-bubble line-bot">{m.text}</div>;
  if (m.type === 'flex') return <div className="line-card" role="group" aria-label={t('lp.card')}><Flex node={m.contents} /></div>;
  if (m.type === 'template' && m.template)
    return (
      <div className="line-card" role="group" aria-label={t('lp.card')}>
        <span className="line-flex-text">{m.template.text}</span>
        {(m.template.actions ?? []).map((a, k) => <span key={k} className="line-flex-button line-button-link">{a.label}</span>)}
      </div>
    );
  return <div className="line-bubble line-bot">{m.altText ?? `[${m.type}]`}</div>;
}

/**
 * The LINE phone beside the web preview: for the same answers, the messages the server's LINE
 * renderer would send (quick replies, cards), drawn in a LINE-like chat. Read-only: staff play
 * in the web preview and see both.
 */
export default function LinePreview({ def, inputs }: { def: Definition; inputs: Input[] | null }) {
  const { t } = useI18n();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [error, setError] = useState<string | null>(null);
  const shown = useRef<Input[] | null>(null);
  const seq = useRef(0);
  const defRef = useRef(def);
  defRef.current = def;
  useEffect(() => {
    if (inputs === null) { setTurns([]); shown.current = null; return; }
    let alive = true;
    // One more answer after those shown continues the chat; anything else (a restart, play from
    // a step) starts it again.
    const prev = shown.current;
    const fresh = !prev || inputs.length !== prev.length + 1 || prev.some((x, k) => x !== inputs[k]);
    api.post<{ messages: LineMessage[] }>('/api/services/preview/line', { definition: defRef.current, inputs }).then((r) => {
      if (!alive) return;
      setError(null);
      const last = inputs.at(-1);
      const turn: Turn = { key: ++seq.current, user: !fresh && last ? lineUserText(last, defRef.current) : undefined, messages: r.messages };
      setTurns((old) => (fresh ? [turn] : [...old, turn]));
      shown.current = inputs;
    }, (e) => { if (alive) setError(errorText(e, t)); });
    return () => { alive = false; };
  }, [inputs, t]);

  const lastMessages = turns.at(-1)?.messages ?? [];
  const quick = lastMessages.at(-1)?.quickReply?.items ?? [];
  return (
    <section className="line-preview" aria-labelledby="lp-h" data-testid="line-preview">
      <h3 id="lp-h">{t('lp.title')}</h3>
      <p className="muted">{t('lp.help')}</p>
      <div className="line-phone" data-testid="line-phone">
        <div className="line-phone-bar" aria-hidden="true">LINE</div>
        {/* Scrolls on its own, so it takes focus for keyboard users. */}
        <div className="line-chat" role="log" aria-label={t('lp.phone')} tabIndex={0}>
          {turns.length === 0 && <p className="line-empty">{t('lp.empty')}</p>}
          {turns.map((turn) => (
            <div key={turn.key}>
              {turn.user !== undefined && <div className="line-bubble line-user"><span className="sr-only">{t('lp.you')}: </span>{turn.user}</div>}
              {turn.messages.map((m, k) => <Message key={k} m={m} />)}
            </div>
          ))}
        </div>
        {quick.length > 0 && (
          <ul className="line-quick" aria-label={t('lp.quickReplies')} data-testid="line-quick">
            {quick.map((q, k) => <li key={k} className="line-chip">{q.action.label}</li>)}
          </ul>
        )}
      </div>
      {error && <div className="alert alert-error" role="alert">{error}</div>}
    </section>
  );
}
