import { describe, expect, it } from 'vitest';
import {
  addStep, blankDefinition, canUnlink, duplicateStep, findingsFor, historyPush, historyRedo, historyUndo, linkSlots, moveStep, newStepId, operatorsFor,
  parseSlot, removeStep, renameStep, setLink, slotKey, type Definition,
} from './model';

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

  describe('links (where a step leads)', () => {
    const d = (): Definition => ({
      format: 'madoguchi.service/1', service_key: 'k', title: 't', steps: [
        { id: 'kind', kind: 'choice', choices: [{ value: 'dog', label: '犬', next: 'dog' }, { value: 'cat', label: '猫' }] },
        { id: 'dog', kind: 'text', next: 'confirm' },
        { id: 'cat', kind: 'text' },
        { id: 'check', kind: 'branch', cases: [{ when: { answer: 'kind', op: 'eq', value: 'dog' }, next: 'confirm' }], default: 'cat' },
        { id: 'many', kind: 'choice', multiple: true, choices: [{ value: 'a', label: 'A' }] },
        { id: 'confirm', kind: 'confirm' },
      ],
    });
    it('names the exits each kind has, as handle ids and back', () => {
      const keys = (i: number) => linkSlots(d().steps[i]).map(slotKey);
      expect(keys(0)).toEqual(['choice-0', 'choice-1', 'next']);
      expect(keys(1)).toEqual(['next']);
      expect(keys(3)).toEqual(['case-0', 'default']);
      expect(keys(4)).toEqual(['next']); // a multiple choice ignores per-choice targets
      // Every choice routed: the plain next is unused, so it is not offered.
      expect(linkSlots({ id: 'x', kind: 'choice', choices: [{ value: 'a', label: 'A', next: 'end' }] }).map(slotKey)).toEqual(['choice-0']);
      for (const k of ['next', 'default', 'choice-3', 'case-0']) expect(slotKey(parseSlot(k)!)).toBe(k);
      for (const k of ['', 'choice-', 'case-x', 'retry', null, undefined]) expect(parseSlot(k)).toBeNull();
    });
    it('points a choice, a next, a condition and a default somewhere, as the list editor would', () => {
      const base = d();
      const a = setLink(base, 0, { kind: 'choice', index: 1 }, 'confirm');
      expect(a.steps[0].choices?.[1]).toEqual({ value: 'cat', label: '猫', next: 'confirm' });
      expect(base.steps[0].choices?.[1].next).toBeUndefined(); // pure
      expect(setLink(base, 2, { kind: 'next' }, 'end').steps[2].next).toBe('end');
      expect(setLink(base, 3, { kind: 'case', index: 0 }, 'dog').steps[3].cases?.[0]).toEqual({ when: { answer: 'kind', op: 'eq', value: 'dog' }, next: 'dog' });
      expect(setLink(base, 3, { kind: 'default' }, 'end').steps[3].default).toBe('end');
    });
    it('takes explicit links away so the step falls back to the following one', () => {
      const base = d();
      const a = setLink(base, 0, { kind: 'choice', index: 0 }, undefined);
      expect(a.steps[0].choices?.[0]).toEqual({ value: 'dog', label: '犬' });
      expect('next' in setLink(base, 1, { kind: 'next' }, undefined).steps[1]).toBe(false);
      expect('default' in setLink(base, 3, { kind: 'default' }, undefined).steps[3]).toBe(false);
      expect(canUnlink(base.steps[3], { kind: 'case', index: 0 })).toBe(false);
      expect(canUnlink(base.steps[2], { kind: 'next' })).toBe(false); // nothing explicit to remove
      expect(canUnlink(base.steps[1], { kind: 'next' })).toBe(true);
    });
    it('refuses what the format does not allow, returning the same draft (no undo entry)', () => {
      const base = d();
      expect(setLink(base, 3, { kind: 'case', index: 0 }, undefined)).toBe(base); // a condition always leads somewhere
      expect(setLink(base, 1, { kind: 'next' }, 'dog')).toBe(base); // to itself
      expect(setLink(base, 1, { kind: 'next' }, 'nowhere')).toBe(base); // unknown step
      expect(setLink(base, 1, { kind: 'choice', index: 0 }, 'cat')).toBe(base); // a text step has no choices
      expect(setLink(base, 3, { kind: 'next' }, 'cat')).toBe(base); // a branch leads by its conditions and default
      expect(setLink(base, 4, { kind: 'choice', index: 0 }, 'cat')).toBe(base); // multiple choice
      expect(setLink(base, 0, { kind: 'choice', index: 5 }, 'cat')).toBe(base);
      expect(setLink(base, 9, { kind: 'next' }, 'cat')).toBe(base);
      expect(setLink(base, 1, { kind: 'next' }, 'confirm')).toBe(base); // already so
      expect(setLink(base, 2, { kind: 'next' }, undefined)).toBe(base);
    });
  });
});
