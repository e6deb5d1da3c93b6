import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api';
import { errorText } from '../../common';
import { defaultPickerDate, formatYen } from '../../format';
import { useI18n } from '../../i18n-react';
import type { Input } from '../../chat/prompts';
import { phoneAction, playable, type LineAction, type PhoneAction } from './lineActions';
import type { Definition } from './model';
import './flowtests.css';

// LINE message objects as the server's channel renderer builds them (src/channels/line/renderer.cpp).
interface FlexNode { type: string; layout?: string; contents?: FlexNode[]; text?: string; weight?: string; size?: string; color?: string; style?: string; action?: LineAction; body?: FlexNode; header?: FlexNode; footer?: FlexNode }
export interface LineMessage {
  type: string; text?: string; altText?: string; contents?: FlexNode;
  template?: { type: string; text?: string; actions?: LineAction[] };
  quickReply?: { items: { type: string; action: LineAction }[] };
}
interface LineTurn { messages: LineMessage[]; done: boolean; prompts?: { type: string; input?: string }[]; effects?: { kind: string; total_fee?: number }[]; input?: Input }
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

/** The accessible name of a button: LINE's displayText when it says more than the cut label (「種類」を修正). */
function actionName(a: LineAction): string | undefined {
  const label = a.label ?? '';
  return a.displayText && a.displayText !== label && a.displayText.includes(label) ? a.displayText : undefined;
}

type Act = (a: LineAction) => void;

function ActionButton({ a, act, className, testId }: { a: LineAction; act: Act | null; className: string; testId: string }) {
  const { t } = useI18n();
  if (!playable(a)) return <button type="button" className={className} disabled title={t('lp.inert')} data-testid={testId}>{a.label}</button>;
  // aria-disabled while a turn is on its way: a disabled button would drop the keyboard focus.
  return <button type="button" className={className} aria-disabled={!act} aria-label={actionName(a)} onClick={() => act?.(a)} data-testid={testId} data-action={a.type}>{a.label}</button>;
}

function Flex({ node, act }: { node: FlexNode | undefined; act: Act | null }): ReactNode {
  if (!node) return null;
  switch (node.type) {
    case 'bubble':
      return <div className="line-flex-bubble"><Flex node={node.header} act={act} /><Flex node={node.body} act={act} /><Flex node={node.footer} act={act} /></div>;
    case 'box':
      return <div className={`line-flex-box line-flex-${node.layout ?? 'vertical'}`}>{(node.contents ?? []).map((c, k) => <Flex key={k} node={c} act={act} />)}</div>;
    case 'text':
      return <span className={`line-flex-text${node.weight === 'bold' ? ' line-bold' : ''}${node.size === 'xs' ? ' line-small' : ''}`}>{node.text}</span>;
    case 'button':
      return node.action ? <ActionButton a={node.action} act={act} className={`line-flex-button line-button-${node.style ?? 'link'}`} testId="line-card-button" /> : null;
    case 'separator':
      return <hr className="line-flex-separator" />;
    default:
      return null;
  }
}

function Message({ m, act }: { m: LineMessage; act: Act | null }) {
  const { t } = useI18n();
  if (m.type === 'text') return <div className="line-bubble line-bot">{m.text}</div>;
  if (m.type === 'flex') return <div className="line-card" role="group" aria-label={t('lp.card')}><Flex node={m.contents} act={act} /></div>;
  if (m.type === 'template' && m.template)
    return (
      <div className="line-card" role="group" aria-label={t('lp.card')}>
        <span className="line-flex-text">{m.template.text}</span>
        {(m.template.actions ?? []).map((a, k) => <ActionButton key={k} a={a} act={act} className="line-flex-button line-button-link" testId="line-card-button" />)}
      </div>
    );
  return <div className="line-bubble line-bot">{m.altText ?? `[${m.type}]`}</div>;
}

const sameStart = (a: Input[], b: Input[]) => b.length >= a.length && a.every((x, k) => x === b[k]);

/**
 * The LINE phone beside the web preview: for the same answers, the messages the server's LINE
 * renderer would send (quick replies, cards), drawn in a LINE-like chat. Playable: a tap or a
 * typed message goes to the server, which maps it with the LINE channel's own webhook mapping
 * and returns the Input; `onPlay` appends it to the inputs both previews share.
 */
export default function LinePreview({ def, inputs, busy, onPlay }: {
  def: Definition; inputs: Input[] | null; busy: boolean; onPlay: (input: Input) => Promise<void>;
}) {
  const { t, locale } = useI18n();
  const [turns, setTurns] = useState<Turn[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [fee, setFee] = useState<number | null>(null);
  const [done, setDone] = useState(false);
  const [acting, setActing] = useState(false);
  const [picking, setPicking] = useState<LineAction | null>(null);
  const [date, setDate] = useState('');
  const [text, setText] = useState('');
  const shown = useRef<Input[] | null>(null);
  // The turn the server already answered for a tap, waiting for the shared inputs to catch up.
  const played = useRef<{ inputs: Input[]; input: Input; user: string; turn: LineTurn } | null>(null);
  const dateRef = useRef<HTMLInputElement>(null);
  const phoneRef = useRef<HTMLDivElement>(null);
  // After a tap, where the keyboard goes next: the buttons of a choice, else the input bar.
  const focusNext = useRef<'buttons' | 'text' | null>(null);
  const seq = useRef(0);
  const defRef = useRef(def);
  defRef.current = def;

  const show = (turn: LineTurn, user: string | undefined, fresh: boolean, at: Input[]) => {
    const submit = turn.effects?.find((e) => e.kind === 'submit');
    setFee(submit ? submit.total_fee ?? 0 : null);
    setDone(turn.done);
    const next: Turn = { key: ++seq.current, user, messages: turn.messages };
    setTurns((old) => (fresh ? [next] : [...old, next]));
    shown.current = at;
  };

  useEffect(() => {
    if (inputs === null) { setTurns([]); setFee(null); setDone(false); shown.current = null; played.current = null; return; }
    let alive = true;
    // One more answer after those shown continues the chat; anything else (a restart, play from
    // a step) starts it again.
    const prev = shown.current;
    const fresh = !prev || inputs.length !== prev.length + 1 || !sameStart(prev, inputs);
    const p = played.current;
    if (p && !fresh && inputs.at(-1) === p.input && sameStart(p.inputs, inputs)) {
      // A tap on this phone: its answer came with the Input; no second request.
      played.current = null;
      show(p.turn, p.user, false, inputs);
      return;
    }
    played.current = null;
    api.post<LineTurn>('/api/services/preview/line', { definition: defRef.current, inputs }).then((r) => {
      if (!alive) return;
      setError(null);
      const last = inputs.at(-1);
      show(r, !fresh && last ? lineUserText(last, defRef.current) : undefined, fresh, inputs);
    }, (e) => { if (alive) setError(errorText(e, t)); });
    return () => { alive = false; };
  }, [inputs, t]);

  const running = inputs !== null && !done;
  const canAct = running && !busy && !acting;
  const play = async (action: PhoneAction, user: string) => {
    if (!inputs || !canAct) return;
    setActing(true); setError(null);
    try {
      const r = await api.post<LineTurn>('/api/services/preview/line', { definition: defRef.current, inputs, action });
      if (!r.input) return;
      played.current = { inputs, input: r.input, user, turn: r };
      const asked = r.prompts?.filter((p) => p.type === 'question').at(-1)?.input;
      focusNext.current = asked === undefined || asked === 'text' ? 'text' : 'buttons';
      await onPlay(r.input);
      setPicking(null);
      if (action.type === 'message') setText('');
    } catch (e) { setError(errorText(e, t)); } finally { setActing(false); }
  };
  const act: Act = (a) => {
    if (a.type === 'datetimepicker') {
      setPicking(a);
      setDate(defaultPickerDate(a.min, a.max));
      requestAnimationFrame(() => dateRef.current?.focus());
      return;
    }
    const action = phoneAction(a);
    // LINE echoes a postback's displayText (or a message action's text) as the resident's line.
    if (action) void play(action, a.displayText ?? a.text ?? a.label ?? '');
  };
  const onDate = (e: FormEvent) => {
    e.preventDefault();
    const action = picking && phoneAction(picking, date);
    if (action) void play(action, date);
  };
  const onText = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    if (v) void play({ type: 'message', text: v }, v);
  };

  useEffect(() => {
    const phone = phoneRef.current;
    // The newest messages in view, as on a phone.
    const chat = phone?.querySelector<HTMLElement>('.line-chat');
    if (chat) chat.scrollTop = chat.scrollHeight;
    const where = focusNext.current;
    if (!where || !phone) return;
    focusNext.current = null;
    const target = where === 'text' ? phone.querySelector<HTMLElement>('[data-testid=line-text]')
      : phone.querySelector<HTMLElement>('[data-testid=line-chip][data-action]')
        ?? [...phone.querySelectorAll<HTMLElement>('[data-testid=line-card-button][data-action]')].at(-1);
    (target ?? phone.querySelector<HTMLElement>('.line-chat'))?.focus();
  }, [turns]);

  const lastMessages = turns.at(-1)?.messages ?? [];
  const quick = lastMessages.at(-1)?.quickReply?.items ?? [];
  const actNow = canAct ? act : null;
  return (
    <section className="line-preview" aria-labelledby="lp-h" data-testid="line-preview">
      <h3 id="lp-h">{t('lp.title')}</h3>
      <p className="muted">{t('lp.help')}</p>
      <div className="line-phone" ref={phoneRef} data-testid="line-phone" aria-busy={acting}>
        <div className="line-phone-bar" aria-hidden="true">LINE</div>
        {/* Scrolls on its own, so it takes focus for keyboard users. */}
        <div className="line-chat" role="log" aria-label={t('lp.phone')} tabIndex={0}>
          {turns.length === 0 && <p className="line-empty">{t('lp.empty')}</p>}
          {turns.map((turn) => (
            <div key={turn.key}>
              {turn.user !== undefined && <div className="line-bubble line-user" data-testid="line-user"><span className="sr-only">{t('lp.you')}: </span>{turn.user}</div>}
              {turn.messages.map((m, k) => <Message key={k} m={m} act={actNow} />)}
            </div>
          ))}
        </div>
        {running && quick.length > 0 && (
          <ul className="line-quick" aria-label={t('lp.quickReplies')} data-testid="line-quick">
            {quick.map((q, k) => <li key={k}><ActionButton a={q.action} act={actNow} className="line-chip" testId="line-chip" /></li>)}
          </ul>
        )}
        {running && picking && (
          <form className="line-datepick" onSubmit={onDate} data-testid="line-datepick">
            <label htmlFor="lp-date">{t('lp.date')}</label>
            <input id="lp-date" ref={dateRef} type="date" value={date} min={picking.min} max={picking.max} required
              onChange={(e) => setDate(e.target.value)} data-testid="line-date" />
            <button type="submit" className="btn btn-primary" disabled={!canAct || !date} data-testid="line-date-ok">{t('lp.dateOk')}</button>
            <button type="button" className="btn" onClick={() => setPicking(null)}>{t('common.cancel')}</button>
          </form>
        )}
        {running && (
          <form className="line-composer" onSubmit={onText}>
            <label htmlFor="lp-text" className="sr-only">{t('lp.textLabel')}</label>
            <input id="lp-text" value={text} onChange={(e) => setText(e.target.value)} autoComplete="off" maxLength={5000}
              placeholder={t('lp.textPlaceholder')} data-testid="line-text" />
            <button type="submit" className="btn btn-primary" disabled={!canAct || !text.trim()} data-testid="line-send">{t('lp.send')}</button>
          </form>
        )}
      </div>
      {done && fee !== null && <p className="notice" data-testid="line-fee">{t('lp.done', { fee: formatYen(fee, locale) })}</p>}
      {error && <div className="alert alert-error" role="alert">{error}</div>}
    </section>
  );
}
