import { useCallback, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { errorText } from '../../common';
import { formatYen } from '../../format';
import { useI18n } from '../../i18n-react';
import { activeIndexInLog, appendPrompts, describeInput, textInputAttrs, widgetFor, type Choice, type Input, type LogEntry, type Prompt, type QuestionPrompt, type SummaryPrompt } from '../../chat/prompts';
import { BotPrompt } from '../../resident/ResidentChat';
import LinePreview from './LinePreview';
import type { Definition } from './model';
import PlayFrom from './PlayFrom';

interface Turn { step: string; prompts: Prompt[]; effects: { kind: string; total_fee?: number }[]; done: boolean }

/**
 * The draft played with the residents' own web chat renderer; the server runs the real engine and
 * stores nothing. It owns the inputs so far, which the LINE phone beside it shares: an answer given
 * on either side is appended here and both previews show the turn after it.
 */
export default function PreviewChat({ def, disabled }: { def: Definition; disabled: boolean }) {
  const { t, locale } = useI18n();
  const [log, setLog] = useState<LogEntry[]>([]);
  // The inputs so far: the server replays them on the current draft each turn (it never takes a state).
  const [inputs, setInputs] = useState<Input[] | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fee, setFee] = useState<number | null>(null);
  const [text, setText] = useState('');
  const keyRef = useRef(0);
  const nextKey = useCallback(() => ++keyRef.current, []);
  const selections = useRef(new Map<string, Choice[]>());

  const run = async (next: Input[], replace: boolean) => {
    setBusy(true); setError(null);
    try {
      const r = await api.post<Turn>('/api/services/preview', { definition: def, inputs: next });
      setInputs(next); setDone(r.done);
      const submit = r.effects.find((e) => e.kind === 'submit');
      if (submit) setFee(submit.total_fee ?? 0);
      setLog((old) => appendPrompts(replace ? [] : old, r.prompts, nextKey));
    } catch (e) { setError(errorText(e, t)); } finally { setBusy(false); }
  };
  const start = () => { setFee(null); selections.current.clear(); void run([], true); };

  const activeIdx = activeIndexInLog(log);
  const active = activeIdx >= 0 ? (log[activeIdx] as { from: 'bot'; prompt: Prompt }).prompt : null;
  const send = async (input: Input, about?: QuestionPrompt | SummaryPrompt | null) => {
    if (busy || inputs === null) return;
    const ctx = about ?? (active && (active.type === 'question' || active.type === 'summary') ? active : null);
    setLog((old) => [...old, { from: 'user', text: describeInput(input, ctx, locale), key: nextKey() }]);
    await run([...inputs, input], false);
  };
  const q = active && active.type === 'question' ? active : null;
  const attrs = textInputAttrs(q && widgetFor(q) === 'text' ? q.format : undefined);
  const onText = (e: FormEvent) => { e.preventDefault(); if (text.trim()) { setText(''); void send({ type: 'text', text: text.trim() }); } };

  return (
    <section className="card builder-preview" aria-labelledby="bld-preview-h" data-testid="builder-preview">
      <h2 id="bld-preview-h">{t('bld.preview')}</h2>
      <p className="muted">{t('bld.previewHelp')}</p>
      <div className="btn-row">
        <button type="button" className="btn btn-primary" onClick={start} disabled={disabled || busy} data-testid="preview-start">{t('bld.previewStart')}</button>
        {inputs !== null && !done && <button type="button" className="btn" disabled={busy} onClick={() => void send({ type: 'command', command: 'back' })}>{t('chat.back')}</button>}
      </div>
      {disabled && <p className="muted">{t('bld.previewDisabled')}</p>}
      <PlayFrom def={def} disabled={disabled || busy} onReady={(next) => { setFee(null); selections.current.clear(); void run(next, true); }} />
      <div className="chat-log" role="log" aria-live="polite" aria-label={t('bld.preview')} data-testid="preview-log">
        {log.map((e, i) => e.from === 'user' ? (
          <div key={e.key} className="bubble-row user"><div className="bubble bubble-user"><span className="sr-only">{t('chat.you')}: </span>{e.text}</div></div>
        ) : (
          <BotPrompt key={e.key} prompt={e.prompt} active={i === activeIdx && !done && !busy} inBatch={!done && !busy}
            send={send} uploadUrl="" onError={setError} selections={selections.current} />
        ))}
      </div>
      {error && <div className="alert alert-error" role="alert">{error}</div>}
      {done && <p className="notice" data-testid="preview-done">{t('bld.previewDone', { fee: formatYen(fee ?? 0, locale) })}</p>}
      {inputs !== null && !done && (
        <form className="composer composer-static" onSubmit={onText}>
          <label htmlFor="preview-text" className="sr-only">{t('chat.textLabel')}</label>
          <input id="preview-text" value={text} onChange={(e) => setText(e.target.value)} type={attrs.type} inputMode={attrs.inputMode}
            autoComplete="off" placeholder={q?.hint || t('chat.textPlaceholder')} data-testid="preview-text" />
          <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="preview-send">{t('chat.send')}</button>
        </form>
      )}
      {/* The same inputs drive both: a tap on the LINE phone is appended here, so the web chat follows. */}
      <LinePreview def={def} inputs={inputs} busy={busy} onPlay={(input) => send(input)} />
    </section>
  );
}
