import { lazy, Suspense, useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api, type PublicService } from '../api';
import { errorText, useLoad, usePageTitle } from '../common';
import { defaultPickerDate, formatYen } from '../format';
import { useI18n } from '../i18n-react';
import {
  activeIndexInLog, appendPrompts, choiceLabel, choiceText, confirmChoices, describeInput, initialSelection, ratingChoices, receiptOf,
  sessionKey, splitChoices, textInputAttrs, widgetFor,
  type ChatResponse, type Choice, type Input, type LogEntry, type Prompt, type QuestionPrompt, type SummaryPrompt,
} from '../chat/prompts';
import ResidentLayout, { useTenantInfo } from './ResidentLayout';
import ConsentStep from './ConsentStep';
import { prepareImage } from './image';
import QuitDialog from './QuitDialog';
import PostalCodeInput from './PostalCodeInput';

// Leaflet is fetched only when a location question is asked.
const LocationPicker = lazy(() => import('./LocationPicker'));

function ss(): Storage | null { try { return window.sessionStorage; } catch { return null; } }

/** A correction (不備) opened from 申請した手続き or a link: its session instead of a new one. */
export interface CorrectionSession { sessionId: string; serviceId: string; title: string }

export default function ResidentChat({ correction }: { correction?: CorrectionSession } = {}) {
  const params = useParams();
  const tenant = params.tenant ?? '';
  const serviceId = correction?.serviceId ?? params.serviceId ?? '';
  const { t, locale } = useI18n();
  const info = useTenantInfo(tenant);
  const svcs = useLoad(() => api.get<{ items: PublicService[] }>(`/api/public/${encodeURIComponent(tenant)}/services`), [tenant]);
  const service = svcs.data?.items.find((s) => String(s.id) === serviceId);
  usePageTitle(service?.title ?? correction?.title, info.data?.name);

  const base = `/api/public/${encodeURIComponent(tenant)}/chat`;
  const storeKey = sessionKey(tenant, serviceId);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [sessionId, setSessionId] = useState<string | null>(null);
  const uploadUrl = sessionId ? `${base}/${encodeURIComponent(sessionId)}/attachments` : '';
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [starting, setStarting] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [quitAsked, setQuitAsked] = useState(false);
  const keyRef = useRef(0);
  const nextKey = useCallback(() => ++keyRef.current, []);
  const startedFor = useRef<string | null>(null);
  const endRef = useRef<HTMLDivElement>(null);
  const activeRef = useRef<HTMLDivElement>(null);
  const composerRef = useRef<HTMLInputElement>(null);
  const selections = useRef(new Map<string, Choice[]>());
  const formRef = useRef<HTMLFormElement>(null);
  const commandsRef = useRef<HTMLDivElement>(null);
  // How much of the input bar stays fixed at the bottom: with large text or zoom on a small phone
  // a fixed bar would hide the conversation, so it may cover at most a third of the screen.
  const [fixedBar, setFixedBar] = useState<'all' | 'input' | 'none'>('all');

  const applyResponse = useCallback((res: ChatResponse, replace: boolean) => {
    let prompts = res.prompts ?? [];
    const receipt = receiptOf(res);
    if (receipt && !prompts.some((p) => p.type === 'completion')) prompts = [...prompts, { type: 'completion', text: '', receipt_number: receipt }];
    setLog((old) => appendPrompts(replace ? [] : old, prompts, nextKey));
    setDone(Boolean(res.done));
  }, [nextKey]);

  const start = useCallback(async () => {
    setStarting(true); setError(null);
    try {
      const res = await api.post<ChatResponse>(base, { service_id: Number(serviceId) || serviceId });
      if (res.session_id) { setSessionId(res.session_id); ss()?.setItem(storeKey, res.session_id); }
      applyResponse(res, true);
    } catch (e) {
      setError(errorText(e, t));
    } finally { setStarting(false); }
  }, [base, serviceId, storeKey, applyResponse, t]);

  useEffect(() => {
    const k = `${tenant}/${serviceId}/${correction?.sessionId ?? ''}`;
    if (startedFor.current === k) return;
    startedFor.current = k;
    const saved = correction ? correction.sessionId : ss()?.getItem(storeKey);
    if (!saved) { void start(); return; }
    api.get<ChatResponse>(`${base}/${encodeURIComponent(saved)}`).then(
      (res) => { setSessionId(res.session_id || saved); applyResponse(res, true); setStarting(false); },
      (e) => {
        // A correction must never turn into a new application.
        if (correction) { setError(errorText(e, t)); setStarting(false); return; }
        ss()?.removeItem(storeKey); void start();
      },
    );
  }, [tenant, serviceId, storeKey, base, start, applyResponse, correction, t]);

  const activeIdx = activeIndexInLog(log);
  const active = activeIdx >= 0 ? (log[activeIdx] as { from: 'bot'; prompt: Prompt }).prompt : null;
  // Prompts answered-from-now: everything after the last user entry (a summary and its confirm question arrive together).
  let batchStart = 0;
  for (let i = log.length - 1; i >= 0; i--) if (log[i].from === 'user') { batchStart = i + 1; break; }

  const send = useCallback(async (input: Input, about?: QuestionPrompt | SummaryPrompt | null) => {
    if (!sessionId || busy) return;
    const ctx = about ?? (active && (active.type === 'question' || active.type === 'summary') ? active : null);
    const echo = describeInput(input, ctx, locale);
    const key = nextKey();
    setLog((old) => [...old, { from: 'user', text: echo, key }]);
    setBusy(true); setError(null);
    try {
      const res = await api.post<ChatResponse>(`${base}/${encodeURIComponent(sessionId)}/input`, input);
      applyResponse(res, false);
      if (input.type === 'text') setText('');
    } catch (e) {
      setLog((old) => old.filter((x) => x.key !== key));
      if (e instanceof ApiError && e.status === 404 && !correction) { ss()?.removeItem(storeKey); }
      setError(errorText(e, t));
    } finally { setBusy(false); }
  }, [sessionId, busy, active, locale, nextKey, base, applyResponse, storeKey, t, correction]);

  // Keep the newest message in view and put focus somewhere useful after each exchange.
  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end', behavior: 'smooth' });
    if (busy) return;
    const ae = document.activeElement;
    const lost = !ae || ae === document.body;
    if (active && active.type === 'question' && widgetFor(active) === 'text') {
      if (lost || ae?.closest('.chat-log')) composerRef.current?.focus();
    } else if (lost) {
      const first = activeRef.current?.querySelector<HTMLElement>('button, input, select, textarea');
      first?.focus();
    }
  }, [log, busy, active]);

  useEffect(() => {
    const form = formRef.current, commands = commandsRef.current;
    if (!form || !commands) return;
    const measure = () => {
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
      const limit = window.innerHeight / 3, pad = 1.5 * rem;
      setFixedBar(form.offsetHeight + commands.offsetHeight + pad <= limit ? 'all' : form.offsetHeight + pad <= limit ? 'input' : 'none');
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(form); ro.observe(commands);
    window.addEventListener('resize', measure);
    return () => { ro.disconnect(); window.removeEventListener('resize', measure); };
  }, [done, fixedBar]);

  const onText = (e: FormEvent) => {
    e.preventDefault();
    const v = text.trim();
    if (!v) return;
    void send({ type: 'text', text: v });
  };

  const restartNew = () => {
    ss()?.removeItem(storeKey);
    setLog([]); setDone(false); setSessionId(null);
    void start();
  };

  const q = active && active.type === 'question' ? active : null;
  const textAttrs = textInputAttrs(q && widgetFor(q) === 'text' ? q.format : undefined);
  const title = service?.title ?? correction?.title;

  const commands = (
    <div className="commands" role="group" aria-label={t('chat.commands')} ref={commandsRef}>
      <button type="button" className="btn btn-small" disabled={!sessionId || busy} onClick={() => send({ type: 'command', command: 'back' })} data-testid="cmd-back">{t('chat.back')}</button>
      <button type="button" className="btn btn-small" disabled={!sessionId || busy} onClick={() => send({ type: 'command', command: 'restart' })} data-testid="cmd-restart">{t('chat.restart')}</button>
      <button type="button" className="btn btn-small" disabled={!sessionId || busy} onClick={() => setQuitAsked(true)} data-testid="cmd-quit" aria-haspopup="dialog">{t('chat.quit')}</button>
    </div>
  );

  return (
    <ResidentLayout tenant={tenant} name={info.data?.name} wide>
      <div className="chat">
        <div className="chat-head">
          <Link to={`/t/${encodeURIComponent(tenant)}`} className="chat-back-link back-link">← {t('res.backToList')}</Link>
          <h1 className="chat-title" data-testid="chat-title">{title ?? ''}</h1>
          {service?.fee ? <p className="muted">{t('res.fee', { fee: formatYen(service.fee, locale) })}</p> : null}
        </div>

        <div className="chat-log" role="log" aria-live="polite" aria-relevant="additions" aria-label={t('chat.log')} data-testid="chat-log">
          {starting && log.length === 0 && <p className="muted">{t('chat.starting')}</p>}
          {log.map((e, i) => e.from === 'user' ? (
            <div key={e.key} className="bubble-row user"><div className="bubble bubble-user" data-testid="bubble-user"><span className="sr-only">{t('chat.you')}: </span>{e.text}</div></div>
          ) : (
            <BotPrompt key={e.key} prompt={e.prompt} active={i === activeIdx && !done && !busy} inBatch={i >= batchStart && !done && !busy}
              send={send} activeRef={i === activeIdx ? activeRef : undefined} uploadUrl={uploadUrl} onError={setError} selections={selections.current} />
          ))}
          {busy && <p className="muted typing" data-testid="chat-busy">{t('chat.sending')}</p>}
          <div ref={endRef} />
        </div>

        {error && <div className="alert alert-error" role="alert" data-testid="chat-error">{error}</div>}

        {done ? (
          <div className="chat-done">
            <p>{t('chat.finished')}</p>
            <div className="btn-row">
              {!correction && <button type="button" className="btn" onClick={restartNew} data-testid="chat-again">{t('chat.again')}</button>}
              <Link className="btn btn-ghost" to={`/t/${encodeURIComponent(tenant)}`}>{t('res.backToList')}</Link>
              <Link className="btn btn-ghost" to={`/t/${encodeURIComponent(tenant)}/my`}>{t('res.my')}</Link>
            </div>
          </div>
        ) : (
          <>
          <div className={fixedBar === 'none' ? 'composer-wrap composer-static' : 'composer-wrap'}>
            <form className="composer" onSubmit={onText} ref={formRef}>
              <label htmlFor="chat-text" className="sr-only">{t('chat.textLabel')}</label>
              <input id="chat-text" ref={composerRef} value={text} onChange={(e) => setText(e.target.value)}
                type={textAttrs.type} inputMode={textAttrs.inputMode} autoComplete={textAttrs.autoComplete ?? 'off'} maxLength={q && widgetFor(q) === 'text' ? q.max_length : undefined}
                placeholder={q?.hint || t('chat.textPlaceholder')} disabled={!sessionId}
                data-testid="chat-text-input" enterKeyHint="send" />
              <button type="submit" className="btn btn-primary" disabled={!sessionId || busy || !text.trim()} data-testid="chat-send">{t('chat.send')}</button>
            </form>
            {fixedBar === 'all' && commands}
          </div>
          {fixedBar !== 'all' && commands}
          </>
        )}
        <QuitDialog open={quitAsked} onCancel={() => setQuitAsked(false)}
          onConfirm={() => { setQuitAsked(false); void send({ type: 'command', command: 'quit' }); }} />
      </div>
    </ResidentLayout>
  );
}

export type SendFn = (input: Input, about?: QuestionPrompt | SummaryPrompt | null) => Promise<void>;

// Exported for the service builder's preview, which plays drafts with this same renderer.
export function BotPrompt({ prompt, active, inBatch, send, activeRef, uploadUrl, onError, selections }: {
  prompt: Prompt; active: boolean; inBatch: boolean; send: SendFn;
  activeRef?: React.RefObject<HTMLDivElement | null>; uploadUrl: string; onError: (s: string | null) => void;
  selections: Map<string, Choice[]>;
}) {
  const { t, locale } = useI18n();
  switch (prompt.type) {
    case 'message':
      return <div className="bubble-row bot"><div className="bubble bubble-bot" data-testid="bubble-message">{prompt.text}</div></div>;
    case 'error':
      return <div className="bubble-row bot"><div className="bubble bubble-bot bubble-error" data-testid="bubble-error" data-step-id={prompt.step_id}><span aria-hidden="true">⚠ </span>{prompt.text}</div></div>;
    case 'completion':
      return (
        <div className="completion card" data-testid="completion">
          {prompt.text && <p className="completion-text">{prompt.text}</p>}
          {prompt.receipt_number && (
            <div className="receipt">
              <span className="receipt-label">{t('chat.receipt')}</span>
              <span className="receipt-number" data-testid="receipt-number">{prompt.receipt_number}</span>
              <small>{t('chat.receiptHelp')}</small>
            </div>
          )}
        </div>
      );
    case 'summary':
      return (
        <div className="summary card" data-testid={active ? 'chat-active' : 'summary'} data-input-type="summary" ref={active ? activeRef : undefined}>
          <h2 className="summary-title">{prompt.text || t('chat.summary')}</h2>
          <dl className="summary-items">
            {prompt.items.map((it) => (
              <div key={it.step_id} className="summary-item" data-step-id={it.step_id}>
                <dt>{it.label}</dt>
                <dd>
                  <span className="summary-value">{it.display}</span>
                  {it.editable && (
                    <button type="button" className="btn btn-small btn-ghost" disabled={!inBatch}
                      aria-label={`${it.label} ${t('chat.edit')}`} data-testid="summary-edit"
                      onClick={() => send({ type: 'command', command: 'edit', step_id: it.step_id }, prompt)}>{t('chat.edit')}</button>
                  )}
                </dd>
              </div>
            ))}
          </dl>
          {prompt.total_fee ? <p className="summary-fee">{t('chat.totalFee')}: <strong>{formatYen(prompt.total_fee, locale)}</strong></p> : null}
          {active && (
            <div className="choices">
              {confirmChoices(prompt, locale).map((c) => (
                <button key={c.value} type="button" className="btn btn-primary choice-btn" data-testid="confirm-choice" data-value={c.value}
                  onClick={() => send({ type: 'choice', value: c.value }, prompt)}>{c.label}</button>
              ))}
            </div>
          )}
        </div>
      );
    case 'question':
      if (prompt.input === 'consent') return <ConsentStep q={prompt} active={active} send={send} activeRef={activeRef} />;
      return <Question q={prompt} active={active} send={send} activeRef={activeRef} uploadUrl={uploadUrl} onError={onError} selections={selections} />;
    default:
      return null;
  }
}

function ChoiceButtons({ choices, q, send, primary, testId = 'choice' }: { choices: Choice[]; q: QuestionPrompt; send: SendFn; primary?: boolean; testId?: string }) {
  const { locale } = useI18n();
  return (
    <>
      {choices.map((c) => (
        <button key={c.value} type="button" className={`btn choice-btn${primary ? ' btn-primary' : ''}`} data-testid={testId} data-value={c.value}
          onClick={() => send({ type: 'choice', value: c.value }, q)}>{choiceLabel(c, locale)}</button>
      ))}
    </>
  );
}

function Question({ q, active, send, activeRef, uploadUrl, onError, selections }: {
  q: QuestionPrompt; active: boolean; send: SendFn; activeRef?: React.RefObject<HTMLDivElement | null>; uploadUrl: string;
  onError: (s: string | null) => void; selections: Map<string, Choice[]>;
}) {
  const { t, locale } = useI18n();
  const w = widgetFor(q);
  const { options, extra, nav } = splitChoices(q.choices);
  const headingId = `q-${q.step_id}-${Math.abs(hash(q.text))}`;
  const confirmOpts = confirmChoices({ choices: options }, locale);
  return (
    <div className="bubble-row bot">
      <div className={`bubble bubble-bot question${active ? ' question-active' : ''}`}
        data-testid={active ? 'chat-active' : 'question'} data-input-type={w} data-format={q.format ?? ''} data-step-id={q.step_id}
        data-min-date={q.min_date ?? ''} data-max-date={q.max_date ?? ''} ref={activeRef} tabIndex={active ? -1 : undefined}
        role={active ? 'group' : undefined} aria-labelledby={active ? headingId : undefined}>
        <p className="q-text" id={headingId}>{q.text}</p>
        {q.hint && <p className="q-hint">{q.hint}</p>}
        {q.page && q.page.count > 1 && <p className="q-page muted">{q.page.index + 1} / {q.page.count}</p>}
        {active && (
          <div className="q-widget">
            {w === 'choice' && <div className="choices"><ChoiceButtons choices={options} q={q} send={send} /></div>}
            {w === 'confirm' && (
              <div className="choices">
                <ChoiceButtons choices={confirmOpts.slice(0, 1)} q={q} send={send} primary testId="confirm-choice" />
                <ChoiceButtons choices={confirmOpts.slice(1)} q={q} send={send} testId="confirm-other" />
              </div>
            )}
            {w === 'multi_choice' && <MultiChoice q={q} options={options} send={send} selections={selections} />}
            {w === 'rating' && <Rating q={q} send={send} />}
            {w === 'date' && <DatePicker q={q} send={send} />}
            {w === 'photo' && <PhotoUpload q={q} send={send} uploadUrl={uploadUrl} onError={onError} />}
            {w === 'location' && <Suspense fallback={<p className="muted">{t('common.loading')}</p>}><LocationPicker q={q} send={send} /></Suspense>}
            {w === 'text' && q.format === 'postal_code' && <PostalCodeInput q={q} send={send} />}
            {w === 'text' && <p className="sr-only">{t('chat.textLabel')}</p>}
            {(w === 'text' || w === 'date' || w === 'photo' || w === 'location') && options.length > 0 && (
              <div className="choices extra-choices"><ChoiceButtons choices={options} q={q} send={send} /></div>
            )}
            {nav.length > 0 && <div className="choices nav-choices"><ChoiceButtons choices={nav} q={q} send={send} testId="nav-choice" /></div>}
            {extra.length > 0 && <div className="choices extra-choices"><ChoiceButtons choices={extra} q={q} send={send} testId="choice-extra" /></div>}
          </div>
        )}
      </div>
    </div>
  );
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

// Selections survive paging (each page is a new prompt from the server) via the chat-level map;
// they keep labels, since ticks from another page are not among this page's options.
function MultiChoice({ q, options, send, selections }: { q: QuestionPrompt; options: Choice[]; send: SendFn; selections: Map<string, Choice[]> }) {
  const { t, locale } = useI18n();
  const [sel, setSelState] = useState<Choice[]>(() => initialSelection(q, selections.get(q.step_id)));
  const setSel = (v: Choice[]) => { selections.set(q.step_id, v); setSelState(v); };
  const ticked = (c: Choice) => sel.some((s) => s.value === c.value);
  return (
    <fieldset className="multi">
      <legend className="sr-only">{q.text}</legend>
      {options.map((c) => (
        <label key={c.value} className="check check-big">
          <input type="checkbox" value={c.value} checked={ticked(c)} data-testid="multi-option"
            onChange={(e) => setSel(e.target.checked ? [...sel, { value: c.value, label: choiceText(c) }] : sel.filter((s) => s.value !== c.value))} />
          <span>{choiceLabel(c, locale)}</span>
        </label>
      ))}
      {sel.length > 0 && <p className="muted" data-testid="multi-selected">{t('chat.selected', { labels: sel.map((c) => c.label).join('、') })}</p>}
      <button type="button" className="btn btn-primary" data-testid="multi-decide"
        onClick={() => { selections.delete(q.step_id); void send({ type: 'choices', values: sel.map((c) => c.value) }, { ...q, choices: [...(q.choices ?? []), ...sel] }); }}>{t('chat.decide')}</button>
    </fieldset>
  );
}

function Rating({ q, send }: { q: QuestionPrompt; send: SendFn }) {
  const { t } = useI18n();
  const cs = ratingChoices(q);
  // No star is lit by focus (the chat focuses the first one): only a hovering pointer previews (CSS).
  return (
    <div className="rating" role="group" aria-label={t('chat.ratingLabel')}>
      {cs.map((c, i) => (
        <button key={c.value} type="button" className="star" data-testid="rating-star" data-value={c.value}
          aria-label={c.label && c.label !== c.value ? `${t('chat.rating', { n: i + 1 })} ${c.label}` : t('chat.rating', { n: i + 1 })}
          onClick={() => send({ type: 'choice', value: c.value }, q)}>★</button>
      ))}
    </div>
  );
}

function DatePicker({ q, send }: { q: QuestionPrompt; send: SendFn }) {
  const { t } = useI18n();
  const [v, setV] = useState(() => defaultPickerDate(q.min_date, q.max_date));
  const id = `date-${q.step_id}`;
  return (
    <form className="inline-form" onSubmit={(e) => { e.preventDefault(); if (v) void send({ type: 'date', date: v }, q); }}>
      <label htmlFor={id}>{t('chat.dateLabel')}</label>
      <input id={id} type="date" value={v} min={q.min_date || undefined} max={q.max_date || undefined}
        onChange={(e) => setV(e.target.value)} required data-testid="date-input" />
      <button type="submit" className="btn btn-primary" disabled={!v} data-testid="date-submit">{t('chat.decide')}</button>
    </form>
  );
}

// Photos are uploaded into the chat session that asks for them (the server accepts nothing else).
function PhotoUpload({ q, send, uploadUrl, onError }: { q: QuestionPrompt; send: SendFn; uploadUrl: string; onError: (s: string | null) => void }) {
  const { t } = useI18n();
  const [uploading, setUploading] = useState(false);
  const id = `photo-${q.step_id}`;
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setUploading(true); onError(null);
    try {
      const blob = await prepareImage(file);
      const r = await api.post<{ attachment_id: number }>(
        `${uploadUrl}?filename=${encodeURIComponent(file.name || 'photo.jpg')}`,
        undefined, { raw: blob, contentType: blob.type });
      await send({ type: 'photo', attachment_id: r.attachment_id }, q);
    } catch (e) {
      onError(errorText(e, t));
    } finally { setUploading(false); }
  };
  return (
    <div className="photo">
      <label htmlFor={id} className="btn btn-primary file-label">{t('chat.photoLabel')}</label>
      <input id={id} className="file-input" type="file" accept="image/jpeg,image/png,image/*" disabled={uploading}
        onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; void onFile(f); }} data-testid="photo-input" />
      {uploading && <p className="muted" role="status">{t('chat.photoUploading')}</p>}
    </div>
  );
}
