import { describe, expect, it } from 'vitest';
import { CHANNEL_ATTR, emptyGroup, fromCondition, newRule, toCondition, unknownVariables, type AttrDef, type Group } from './segmentModel';

const defs: AttrDef[] = [
  { key: 'district', label: '地区', type: 'choice', multiple: false, options: [{ value: 'kita', label: '北' }, { value: 'minami', label: '南' }] },
  { key: 'child_birth_date', label: '子の生年月日', type: 'date', multiple: true, options: [] },
  { key: 'care', label: '要配慮', type: 'tag', multiple: false, options: [] },
];

describe('segment model', () => {
  it('builds and/or/not conditions and leaves unfinished rules out', () => {
    const g: Group = { ...emptyGroup(), items: [
      { ...newRule(defs, 'district'), values: ['kita'] },
      newRule(defs, 'child_birth_date'),
      { kind: 'group', match: 'any', negate: true, items: [{ ...newRule(defs, CHANNEL_ATTR), values: ['web'] }, newRule(defs, 'district')] },
    ] };
    const c = toCondition(g, defs);
    expect(c).toEqual({ all: [
      { attr: 'district', in: ['kita'] },
      { attr: 'child_birth_date', age_between: [0, 5] },
      { not: { channel: 'web' } },
    ] });
    expect(toCondition(emptyGroup(), defs)).toEqual({});
    expect(fromCondition(c) && toCondition(fromCondition(c)!, defs)).toEqual(c);
  });
  it('reads back what it wrote, and refuses forms it cannot show', () => {
    const c = { any: [{ not: { attr: 'district', in: ['kita'] } }, { attr: 'care', exists: false }] };
    expect(toCondition(fromCondition(c)!, defs)).toEqual(c);
    expect(fromCondition({ attr: 'child_birth_date', age_between: [0, 5], on: '2027-04-01' })).toBeNull();
    expect(fromCondition({})).toEqual(emptyGroup());
  });
  it('knows which variables exist', () => {
    expect(unknownVariables('{地区}の{氏名}さん{要配慮}', defs)).toEqual(['氏名', '要配慮']);
  });
});
