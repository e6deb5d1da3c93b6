import { describe, expect, it } from 'vitest';
import { addStep, blankDefinition, duplicateStep, findingsFor, historyPush, historyRedo, historyUndo, moveStep, newStepId, operatorsFor, removeStep, renameStep } from './model';

const base = () => blankDefinition('inu', '犬の登録', '');

describe('builder model', () => {
  it('adds questions before confirm, with unique ids', () => {
    let { def, index } = addStep(base(), 'choice');
    expect(index).toBe(1);
    expect(def.steps.map((s) => s.id)).toEqual(['intro', 'choice', 'confirm', 'submit']);
    ({ def } = addStep(def, 'choice'));
    expect(def.steps[2].id).toBe('choice-2');
    expect(newStepId(def, 'choice')).toBe('choice-3');
  });
  it('moves, duplicates and removes steps, clearing references to a removed one', () => {
    let { def } = addStep(base(), 'choice');
    def.steps[1].choices = [{ value: 'a', label: 'A', next: 'confirm' }];
    def = { ...def, steps: [...def.steps.slice(0, 1), { ...def.steps[0], id: 'x', next: 'confirm' }, ...def.steps.slice(1)] };
    expect(moveStep(def, 0, -1)).toBe(def);
    expect(moveStep(def, 1, 1).steps.map((s) => s.id)).toEqual(['intro', 'choice', 'x', 'confirm', 'submit']);
    expect(duplicateStep(def, 2).steps[3].id).toBe('choice-2');
    const r = removeStep(def, 3);
    expect(r.steps.find((s) => s.id === 'x')?.next).toBeUndefined();
    expect(r.steps.find((s) => s.id === 'choice')?.choices?.[0].next).toBeUndefined();
  });
  it('renames a step everywhere it is used', () => {
    let { def } = addStep(base(), 'choice');
    ({ def } = addStep(def, 'branch'));
    def.steps[2].cases = [{ when: { answer: 'choice', op: 'eq', value: 'a' }, next: 'confirm' }];
    const r = renameStep(def, 'choice', 'kind');
    expect(r.steps[1].id).toBe('kind');
    expect(r.steps[2].cases?.[0].when.answer).toBe('kind');
  });
  it('undo and redo', () => {
    const a = base();
    let h = { past: [], present: a, future: [] } as ReturnType<typeof historyUndo>;
    const b = addStep(a, 'date').def;
    h = historyPush(h, b);
    expect(historyUndo(h).present).toBe(a);
    expect(historyRedo(historyUndo(h)).present).toBe(b);
    expect(historyUndo(historyUndo(h)).present).toBe(a);
  });
  it('offers operators that fit the answer', () => {
    expect(operatorsFor({ id: 'c', kind: 'choice', multiple: true })).toContain('contains');
    expect(operatorsFor({ id: 'c', kind: 'choice' })).not.toContain('gte');
    expect(operatorsFor({ id: 'd', kind: 'date' })).toContain('age_gte');
  });
  it('finds findings by step and field prefix', () => {
    const check = { ok: false, errors: [{ step_id: 's', field: 'choices[0].label', code: 'x', message: 'm', fix: 'f' }], warnings: [] };
    expect(findingsFor(check, 's', 'choices[0]')).toHaveLength(1);
    expect(findingsFor(check, 's', 'text')).toHaveLength(0);
    expect(findingsFor(check, 't')).toHaveLength(0);
  });
});
