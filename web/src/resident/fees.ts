// What the residents' service list says about fees, from the server's outline of the published
// definition (services with fees only per choice or per copy are not free).
import type { PublicService } from '../api';
import { formatYen } from '../format';
import { translate, type Locale } from '../i18n';

export function feeSummary(s: Pick<PublicService, 'fee' | 'fees'>, locale: Locale): string {
  const t = (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate(locale, k, p);
  if (s.fees === undefined) return s.fee ? t('res.fee', { fee: formatYen(s.fee, locale) }) : t('res.free'); // older server
  if (s.fees === null) return t('res.free');
  if (!s.fees.varies) return t('res.fee', { fee: formatYen(s.fees.from, locale) });
  return s.fees.from > 0 ? t('res.feeFrom', { fee: formatYen(s.fees.from, locale) }) : t('res.feeVaries');
}
