// Chat prompt model (docs/API.md "Prompt" / "Input") and the pure mapping from
// server prompts to what the web chat renders. No React here.

import { formatIsoDateLong, formatYen } from '../format';
import { translate, type Locale } from '../i18n';

// Prompt and Input are generated from the server's schema (prompt-types.ts); only what the
// server does not describe (the response envelope, the chat log) is declared here.
import type {
  Choice, Command, CompletionPrompt, ErrorPrompt, Input, MessagePrompt, Prompt, QuestionInput, QuestionPrompt,
  SummaryItem, SummaryPrompt, TextFormat,
} from './prompt-types';

export type {
  Choice, Command, CompletionPrompt, ErrorPrompt, Input, MessagePrompt, Prompt, QuestionInput, QuestionPrompt,
  SummaryItem, SummaryPrompt, TextFormat,
};

export interface ChatResponse { session_id?: string; prompts: Prompt[]; done: boolean; receipt_number?: string }

/** A line in the chat log: either something the municipality said or what the resident sent. */
export type LogEntry =
  | { from: 'bot'; prompt: Prompt; key: number }
  | { from: 'user'; text: string; key: number };

/**
 * Index of the prompt the resident should answer now: the last question or summary,
 * provided nothing terminal (a completion) follows it. -1 when there is none.
 */
export function activePromptIndex(prompts: Prompt[]): number {
  for (let i = prompts.length - 1; i >= 0; i--) {
    const p = prompts[i];
    if (p.type === 'completion') return -1;
    if (p.type === 'question' || p.type === 'summary') return i;
  }
  return -1;
}

export function activeIndexInLog(log: LogEntry[]): number {
  for (let i = log.length - 1; i >= 0; i--) {
    const e = log[i];
    if (e.from === 'user') return -1; // waiting for the server
    if (e.prompt.type === 'completion') return -1;
    if (e.prompt.type === 'question' || e.prompt.type === 'summary') return i;
  }
  return -1;
}

// Control values the conversation engine sends as ordinary choices (src/conversation/question.h).
export const NEXT_PAGE = '__next__';
export const PREV_PAGE = '__prev__';
export const DONE_SELECTING = '__done__';
export const SKIP = '__skip__';

const NAV_VALUE = /^(__(next|prev|more)|page:|next$|prev$|more$)/i;
const NAV_LABEL = /^[<＜«‹◀←]?\s*(次へ|前へ|次の\d*件|前の\d*件|次のページ|前のページ|もっと見る|さらに表示|next|previous|prev|more)\s*[>＞»›▶→]?$/i;

/** Paging controls the server sends as ordinary choices ("次へ", "__next__", …). */
export function isNavChoice(c: Choice): boolean {
  return NAV_VALUE.test(c.value) || NAV_LABEL.test(c.label.trim());
}

/**
 * Split a question's choices into answer options, extra actions (skip, "わからない", … —
 * engine values that start with "__"), and paging controls. The multi-choice "決定"
 * (__done__) is dropped: the web chat has its own 決定 button.
 */
export function splitChoices(choices: Choice[] | undefined): { options: Choice[]; extra: Choice[]; nav: Choice[] } {
  const options: Choice[] = [];
  const extra: Choice[] = [];
  const nav: Choice[] = [];
  for (const c of choices ?? []) {
    if (c.value === DONE_SELECTING) continue;
    if (isNavChoice(c)) nav.push(c);
    else if (c.value.startsWith('__')) extra.push(c);
    else options.push(c);
  }
  return { options, extra, nav };
}

/** The whole wording of a choice (the web has room for labels cut for LINE buttons). */
export function choiceText(c: Choice): string {
  return c.full_label || c.label;
}

/** True when a label already names the amount ("郵送（140円）", "1,500 円"): not appended twice. */
export function mentionsFee(label: string, fee: number): boolean {
  const amounts = [String(fee), fee.toLocaleString('en-US')].map((a) => a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(^|[^0-9,])(${amounts.join('|')}) ?円`).test(label);
}

/** Choice label with its fee, e.g. "冷蔵庫（1,500円）"; the fee once, whatever the label says. */
export function choiceLabel(c: Choice, locale: Locale): string {
  const text = choiceText(c);
  return c.fee && !mentionsFee(text, c.fee) ? `${text}（${formatYen(c.fee, locale)}）` : text;
}

/** Ticks a multi-choice starts with: ticks kept while paging, else the server's selection. */
export function initialSelection(q: QuestionPrompt, kept: Choice[] | undefined): Choice[] {
  return kept ?? (q.selected ?? []).map((c) => ({ value: c.value, label: choiceText(c) }));
}

/** Rating options, lowest first: the server's choices (it sends 5…1) or 1…5. */
export function ratingChoices(q: QuestionPrompt): Choice[] {
  const cs = splitChoices(q.choices).options;
  if (cs.length < 2) return [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) }));
  const num = (c: Choice) => Number.parseFloat(c.value);
  return cs.every((c) => Number.isFinite(num(c))) ? [...cs].sort((a, b) => num(a) - num(b)) : cs;
}

/** Confirm options: the server's choices, otherwise a single "submit" choice. */
export function confirmChoices(q: QuestionPrompt | SummaryPrompt | { choices?: Choice[] }, locale: Locale): Choice[] {
  const cs = ('choices' in q ? q.choices : undefined) ?? [];
  if (cs.length) return cs;
  return [{ value: 'yes', label: translate(locale, 'chat.confirm') }];
}

/** Which widget a question needs. Unknown input types fall back to choices or free text. */
export type Widget = 'text' | 'choice' | 'multi_choice' | 'date' | 'location' | 'photo' | 'rating' | 'confirm';
export function widgetFor(q: QuestionPrompt): Widget {
  switch (q.input) {
    case 'text': case 'choice': case 'multi_choice': case 'date':
    case 'location': case 'photo': case 'rating': case 'confirm':
      return q.input;
    default:
      return q.choices && q.choices.length ? 'choice' : 'text';
  }
}

/**
 * HTML input type / inputmode / autocomplete for a text question, from its format (the
 * HTML autofill tokens). Kana gets none: HTML has no furigana token, and "name" or
 * "family-name" would fill kanji into a kana field. Numbers stay type=text with a numeric
 * keypad (type=number drops full-width digits and changes on scroll).
 */
export function textInputAttrs(format?: TextFormat | string): { type: string; inputMode?: 'text' | 'numeric' | 'tel' | 'email'; autoComplete?: string } {
  switch (format) {
    case 'email': return { type: 'email', inputMode: 'email', autoComplete: 'email' };
    case 'phone': return { type: 'tel', inputMode: 'tel', autoComplete: 'tel' };
    case 'postal_code': return { type: 'text', inputMode: 'numeric', autoComplete: 'postal-code' };
    case 'number': return { type: 'text', inputMode: 'numeric' };
    case 'kana': return { type: 'text', inputMode: 'text' };
    default: return { type: 'text' };
  }
}

/** What to show in the resident's own bubble after sending an input. */
export function describeInput(input: Input, q: QuestionPrompt | SummaryPrompt | null, locale: Locale): string {
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
  const known = q && q.type === 'question' ? [...(q.choices ?? []), ...(q.selected ?? [])] : [];
  const findLabel = (v: string) => { const c = known.find((k) => k.value === v); return c ? choiceText(c) : v; };
  switch (input.type) {
    case 'text': return input.text;
    case 'choice':
      if (q && q.type === 'question' && q.input === 'rating' && !(q.choices ?? []).some((c) => c.value === input.value)) {
        return t('chat.rating', { n: input.value });
      }
      return findLabel(input.value);
    case 'choices': return input.values.map(findLabel).join('、');
    case 'date': return formatIsoDateLong(input.date, locale);
    case 'location': return input.address || t('chat.locationSent', { lat: input.lat.toFixed(5), lng: input.lng.toFixed(5) });
    case 'photo': return t('chat.photoSent');
    case 'command':
      switch (input.command) {
        case 'back': return t('chat.back');
        case 'restart': return t('chat.restart');
        case 'quit': return t('chat.quit');
        case 'edit': {
          const label = q && q.type === 'summary' ? q.items.find((i) => i.step_id === input.step_id)?.label : undefined;
          return label ? `${t('chat.edit')}: ${label}` : t('chat.edit');
        }
        default: return input.command;
      }
  }
}

/** Append server prompts to the log, numbering entries. */
export function appendPrompts(log: LogEntry[], prompts: Prompt[], nextKey: () => number): LogEntry[] {
  return [...log, ...prompts.map((p) => ({ from: 'bot' as const, prompt: p, key: nextKey() }))];
}

/** The receipt number of a finished chat, from the response or its completion prompt. */
export function receiptOf(res: ChatResponse): string | undefined {
  if (res.receipt_number) return res.receipt_number;
  for (const p of res.prompts) if (p.type === 'completion' && p.receipt_number) return p.receipt_number;
  return undefined;
}

/** sessionStorage key for resuming a chat. */
export function sessionKey(tenant: string, serviceId: string | number): string {
  return `mg_chat:${tenant}:${serviceId}`;
}

/** "★★★☆☆" for n of 5. */
export function starsLabel(n: number, of = 5): string {
  return '★'.repeat(n) + '☆'.repeat(Math.max(0, of - n));
}
