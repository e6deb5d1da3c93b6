// Staff-facing words for what the server records as codes: application history, correction
// requests and audit rows. The server sends codes and parameters (status codes, the assignee's
// name, question labels); the words come from i18n, so English works too.
import { dictionaries, type MessageKey } from '../i18n';
import type { TFn } from '../i18n-react';

type Rec = Record<string, unknown>;
const isKey = (k: string): k is MessageKey => Object.prototype.hasOwnProperty.call(dictionaries.ja, k);
const obj = (v: unknown): Rec => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : []);

/** A list of names in the reader's language: 「ふりがな、住所」 / "Kana, Address". */
export const joinList = (items: string[], t: TFn) => items.join(t('list.sep'));

/** The labels of the questions a correction concerns (ids when an old server sent no labels). */
export function stepNames(o: Rec): string[] {
  const labels = strings(o.step_labels);
  return labels.length ? labels : strings(o.step_ids);
}

/** One application history entry as sentences, e.g. 「状態を 未対応 から 処理中 に変更」. */
export function describeHistory(h: Rec, t: TFn, statusLabel: (s: string) => string): string {
  const d = obj(h.detail);
  const kind = String(h.kind ?? '');
  const parts: string[] = [];
  if (kind === 'submitted') {
    const ch = String(d.channel ?? 'web');
    parts.push(t('hist.submitted', { channel: isKey(`channel.${ch}`) ? t(`channel.${ch}` as MessageKey) : ch }));
  } else if (kind === 'updated') {
    const st = obj(d.status);
    if (st.from !== undefined && st.to !== undefined) parts.push(t('hist.status', { from: statusLabel(String(st.from)), to: statusLabel(String(st.to)) }));
    if ('assignee_id' in d) {
      if (d.assignee_id === null) parts.push(t('hist.unassigned'));
      else parts.push(t('hist.assignee', { name: String(d.assignee_name || `#${String(d.assignee_id)}`) }));
    }
    if (d.memo) parts.push(t('hist.memo'));
  } else if (kind === 'correction_requested') {
    parts.push(t('hist.correctionRequested', { items: joinList(stepNames(d), t) }));
  } else if (kind === 'corrected') {
    parts.push(t('hist.corrected'));
  }
  return parts.length ? parts.join(t('list.sep')) : t('hist.unknown', { kind });
}

/** A correction request: the questions (labels), the reason, open or resolved. */
export function describeCorrection(c: Rec, t: TFn): string {
  const parts = [t('corr.items', { items: joinList(stepNames(c), t) })];
  if (c.reason) parts.push(t('corr.reason', { reason: String(c.reason) }));
  parts.push(c.status === 'open' ? t('corr.open') : t('corr.resolved'));
  return parts.join(' ／ ');
}

export function auditAction(action: string, t: TFn): string {
  const k = `audit.a.${action}`;
  return isKey(k) ? t(k) : action;
}

export function auditObject(type: string | undefined, id: unknown, t: TFn): string {
  if (!type) return '';
  const k = `audit.o.${type}`;
  const name = isKey(k) ? t(k) : type;
  return id !== undefined && id !== null && id !== '' ? `${name} #${String(id)}` : name;
}

/** The audit row's detail in words where its shape is known; the rest as compact JSON. */
export function auditDetail(detail: unknown, t: TFn, statusLabel: (s: string) => string, roleLabel: (r: string) => string): string {
  if (detail === undefined || detail === null) return '';
  if (typeof detail !== 'object' || Array.isArray(detail)) return typeof detail === 'string' ? detail : JSON.stringify(detail);
  const d = detail as Rec;
  const parts: string[] = [];
  const rest: Rec = {};
  const pair = (v: unknown) => (Array.isArray(v) && v.length === 2 ? v : null);
  for (const [k, v] of Object.entries(d)) {
    if (k === 'role' && pair(v)) parts.push(t('audit.d.role', { from: roleLabel(String((v as unknown[])[0])), to: roleLabel(String((v as unknown[])[1])) }));
    else if (k === 'departments' && pair(v)) {
      const [a, b] = v as unknown[];
      parts.push(t('audit.d.departments', { from: joinList(strings(a), t) || '—', to: joinList(strings(b), t) || '—' }));
    } else if (k === 'department') continue; // the first of `departments`, shown there
    else if (k === 'status' && obj(v).to !== undefined) parts.push(t('audit.d.status', { from: statusLabel(String(obj(v).from)), to: statusLabel(String(obj(v).to)) }));
    else if (k === 'assignee_id') parts.push(t('audit.d.assignee'));
    else if (k === 'memo') parts.push(t('audit.d.memo'));
    else if (k === 'version') parts.push(t('audit.d.version', { version: String(v) }));
    else if (k === 'step_ids') parts.push(t('audit.d.items', { items: joinList(strings(v), t) }));
    else if (k === 'rows') parts.push(t('audit.d.rows', { rows: String(v) }));
    else if (k === 'failures') parts.push(t('audit.d.failures', { failures: String(v) }));
    else if (k === 'role' && typeof v === 'string') parts.push(roleLabel(v));
    else rest[k] = v;
  }
  if (Object.keys(rest).length) parts.push(JSON.stringify(rest));
  return parts.join(t('list.sep'));
}
