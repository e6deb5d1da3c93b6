import { describe, expect, it } from 'vitest';
import { blankForm, failingNames, fromForm, toForm, type FlowTest } from './flowTestModel';

describe('flow test forms', () => {
  it('round-trips a test through the form', () => {
    const t: FlowTest = { name: '新規', answers: ['新しく登録', '2020-05-01'], expect: { submitted: true, fee: 3000, step: '', fields: { kind: '新しく登録' } } };
    const f = toForm(t);
    expect(f.answers).toBe('新しく登録\n2020-05-01');
    expect(f.step).toBe('end');
    expect(fromForm(f)).toEqual(t);
  });
  it('drops blank lines, open expectations and a fee that is not a number', () => {
    const f = { ...blankForm(1), answers: ' a \n\n b ', submitted: '' as const, fee: '12円', fields: [{ step: '', value: 'x' }] };
    expect(fromForm(f)).toEqual({ name: 'テスト1', answers: ['a', 'b'], expect: {} });
  });
  it('shows structured answers by their value and names failing tests', () => {
    expect(toForm({ name: 'x', answers: [{ type: 'choice', value: 'confirm' }], expect: {} }).answers).toBe('confirm');
    expect(failingNames({ passed: 1, failed: 1, results: [
      { name: 'a', ok: true, failures: [], step: '', submitted: true, fee: 0, answered: 1 },
      { name: 'b', ok: false, failures: ['x'], step: 's', submitted: false, fee: 0, answered: 1 }] })).toEqual(['b']);
    expect(failingNames(null)).toEqual([]);
  });
});
