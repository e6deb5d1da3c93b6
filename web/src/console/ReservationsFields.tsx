import { ApiError } from '../api';
import { useI18n } from '../i18n-react';
import type { MessageKey } from '../i18n';
import { weekdayOf } from './reservationsModel';

/** The server's message for `field` (ApiError.field), shown under the input it is about. */
export function fieldMessage(error: unknown, field: string): string | null {
  return error instanceof ApiError && error.field === field ? error.message : null;
}

/** Props that tie an input to its error message for screen readers. */
export function invalidProps(error: unknown, field: string, id: string) {
  const msg = fieldMessage(error, field);
  return msg ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-err` } : {};
}

export function FieldError({ error, field, id }: { error: unknown; field: string; id: string }) {
  const msg = fieldMessage(error, field);
  if (!msg) return null;
  return <p id={`${id}-err`} className="field-error" data-testid={`field-error-${field}`}>{msg}</p>;
}

/** An error that no field shows (e.g. a conflict), so the form shows it at the top. */
export function formLevel(error: unknown, fields: string[]): unknown {
  return error instanceof ApiError && error.field && fields.includes(error.field) ? null : error;
}

const DOW: MessageKey[] = ['rsv.dow0', 'rsv.dow1', 'rsv.dow2', 'rsv.dow3', 'rsv.dow4', 'rsv.dow5', 'rsv.dow6'];

/** "12月3日（木）" / "Dec 3 (Thu)" for a YYYY-MM-DD date. */
export function useDateLabel() {
  const { t } = useI18n();
  return (date: string) => t('rsv.dateLabel', { m: Number(date.slice(5, 7)), d: Number(date.slice(8, 10)), dow: t(DOW[weekdayOf(date)]) });
}
