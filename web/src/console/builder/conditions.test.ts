import { describe, expect, it } from 'vitest';
import { addItem, condToTree, defaultRule, describeCond, groupDepth, nodeAt, removeAt, treeToCond, updateAt, type GroupNode } from './conditions';
import type { Cond, Definition } from './model';

const def: Definition = {
  format: 'madoguchi.service/1', service_key: 'k', title: 't', steps: [
    { id: 'kind', kind: 'choice', label: '種類', choices: [{ value: 'dog', label: '犬' }, { value: 'cat', label: '猫' }] },
    { id: 'birth', kind: 'date', label: '生年月日' },
    { id: 'b', kind: 'branch', cases: [] },
  ],
};

describe('nested conditions', () => {
  it('keeps a plain rule plain, and shows it as a one-item すべて満たす group', () => {
    const c: Cond = { answer: 'kind', op: 'eq', value: 'dog' };
    const t = condToTree(c);
    expect(t).toEqual({ type: 'group', mode: 'all', items: [{ type: 'rule', answer: 'kind', op: 'eq', value: 'dog' }] });
    expect(treeToCond(t)).toEqual(c);
  });

  it('round-trips all / any / not, nested', () => {
    const cases: Cond[] = [
      { all: [{ answer: 'kind', op: 'eq', value: 'dog' }, { any: [{ answer: 'birth', op: 'age_gte', value: 65 }, { not: { answer: 'birth', op: 'answered' } }] }] },
      { any: [{ answer: 'kind', op: 'eq', value: 'dog' }] },
      { not: { answer: 'kind', op: 'eq', value: 'cat' } },
      { not: { any: [{ answer: 'kind', op: 'eq', value: 'cat' }, { answer: 'birth', op: 'answered', value: true }] } },
      { not: { all: [{ answer: 'kind', op: 'in', value: ['cat'] }, { answer: 'birth', op: 'lt', value: '2020-01-01' }] } },
      { all: [{ answer: 'kind', op: 'eq', value: 'dog' }, { answer: 'birth', op: 'answered' }] },
    ];
    for (const c of cases) expect(treeToCond(condToTree(c))).toEqual(c);
  });

  it('reads "not any" as one 満たさない group, and "not all" as a group inside it', () => {
    expect(condToTree({ not: { any: [{ answer: 'kind', op: 'eq', value: 'cat' }, { answer: 'kind', op: 'eq', value: 'dog' }] } }))
      .toMatchObject({ mode: 'none', items: [{ type: 'rule' }, { type: 'rule' }] });
    expect(condToTree({ not: { all: [{ answer: 'kind', op: 'eq', value: 'cat' }] } })).toMatchObject({ mode: 'none', items: [{ type: 'group', mode: 'all' }] });
    // A 満たさない group of several items is "not any" in the file.
    const none: GroupNode = { type: 'group', mode: 'none', items: [defaultRule(def.steps), { type: 'rule', answer: 'birth', op: 'answered', value: true }] };
    expect(treeToCond(none)).toEqual({ not: { any: [{ answer: 'kind', op: 'eq', value: 'dog' }, { answer: 'birth', op: 'answered', value: true }] } });
  });

  it('edits the tree by path: add a group, change a rule inside it, remove items', () => {
    let t = condToTree({ answer: 'kind', op: 'eq', value: 'dog' });
    t = addItem(t, [], { type: 'group', mode: 'any', items: [defaultRule(def.steps.slice(1))] });
    expect(treeToCond(t)).toEqual({ all: [{ answer: 'kind', op: 'eq', value: 'dog' }, { any: [{ answer: 'birth', op: 'eq' }] }] });
    t = updateAt(t, [1, 0], (n) => (n.type === 'rule' ? { ...n, op: 'age_gte', value: 65 } : n));
    t = updateAt(t, [1], (n) => (n.type === 'group' ? { ...n, mode: 'none' } : n));
    expect(nodeAt(t, [1, 0])).toEqual({ type: 'rule', answer: 'birth', op: 'age_gte', value: 65 });
    expect(treeToCond(t)).toEqual({ all: [{ answer: 'kind', op: 'eq', value: 'dog' }, { not: { answer: 'birth', op: 'age_gte', value: 65 } }] });
    expect(groupDepth(t)).toBe(2);
    t = removeAt(t, [0]);
    expect(treeToCond(t)).toEqual({ all: [{ not: { answer: 'birth', op: 'age_gte', value: 65 } }] });
    // An emptied group stays in the file, so the validator points at it rather than it vanishing.
    t = removeAt(t, [0, 0]);
    expect(treeToCond(t)).toEqual({ all: [{ not: { any: [] } }] });
    expect(removeAt(t, [])).toBe(t);
    expect(nodeAt(t, [5, 1])).toBeUndefined();
  });

  it('describes a condition in words', () => {
    const words = { all: ' かつ ', any: ' または ', none: '次を満たさない', sep: '、', rule: (a: string, op: string, v: string) => `${a}${op}${v}` };
    expect(describeCond(def, { all: [{ answer: 'kind', op: 'eq', value: 'dog' }, { any: [{ answer: 'birth', op: 'age_gte', value: 65 }, { not: { answer: 'birth', op: 'answered' } }] }] }, words))
      .toBe('種類eq犬 かつ (生年月日age_gte65 または 次を満たさない(生年月日answered))');
    expect(describeCond(def, undefined, words)).toBe('');
  });
});
