import type { PublicService } from '../api';

/** Group services by category, keeping the server's order of first appearance. Uncategorised last. */
export function groupByCategory(items: PublicService[], otherLabel: string): { category: string; items: PublicService[] }[] {
  const groups = new Map<string, PublicService[]>();
  for (const s of items) {
    const c = (s.category ?? '').trim();
    const list = groups.get(c);
    if (list) list.push(s); else groups.set(c, [s]);
  }
  const out = [...groups.entries()].filter(([c]) => c !== '').map(([category, items]) => ({ category, items }));
  const other = groups.get('');
  if (other) out.push({ category: otherLabel, items: other });
  return out;
}
