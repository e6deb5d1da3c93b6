import { describe, expect, it } from 'vitest';
import { groupByCategory } from './group';

describe('groupByCategory', () => {
  it('groups in order of appearance with uncategorised last', () => {
    const s = (id: number, category?: string) => ({ id, service_key: `k${id}`, title: `t${id}`, category });
    const g = groupByCategory([s(1, 'ごみ'), s(2), s(3, '証明書'), s(4, 'ごみ')], 'その他');
    expect(g.map((x) => [x.category, x.items.map((i) => i.id)])).toEqual([['ごみ', [1, 4]], ['証明書', [3]], ['その他', [2]]]);
  });
});
