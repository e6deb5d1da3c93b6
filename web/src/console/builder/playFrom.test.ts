import { describe, expect, it } from 'vitest';
import type { Input, Prompt } from '../../chat/prompts';
import type { Definition } from './model';
import { canReach, playTo, sampleAnswer, type PreviewTurn } from './playFrom';

const def: Definition = {
  format: 'madoguchi.service/1', service_key: 'inu', title: '犬', steps: [
    { id: 'kind', kind: 'choice', text: '種類は？', choices: [{ value: 'new', label: '新規', next: 'birth' }, { value: 'move', label: '転入', next: 'name' }] },
    { id: 'birth', kind: 'date', text: '生年月日は？', next: 'pic' },
    { id: 'name', kind: 'text', format: 'kana', text: 'フリガナは？' },
    { id: 'pic', kind: 'photo', text: '写真は？' },
    { id: 'confirm', kind: 'confirm' },
    { id: 'submit', kind: 'submit' },
  ],
};
const q = (step_id: string, input: string, extra: object = {}): Prompt[] => [{ type: 'question', step_id, input, text: '?', ...extra } as Prompt];

describe('play from a step', () => {
  it('follows choices, cases and next to tell what is reachable', () => {
    expect(canReach(def, 'kind', 'birth')).toBe(true);
    expect(canReach(def, 'name', 'birth')).toBe(false);
    expect(canReach(def, 'birth', 'confirm')).toBe(true);
  });
  it('picks the choice whose route reaches the target and valid samples for other questions', () => {
    const choices = [{ value: 'new', label: '新規' }, { value: 'move', label: '転入' }];
    expect(sampleAnswer(def, q('kind', 'choice', { choices }), 'name', false)).toEqual({ type: 'choice', value: 'move' });
    expect(sampleAnswer(def, q('kind', 'choice', { choices }), 'birth', false)).toEqual({ type: 'choice', value: 'new' });
    expect(sampleAnswer(def, q('birth', 'date', { max_date: '2026-12-01' }), 'confirm', false)).toEqual({ type: 'date', date: '2026-12-01' });
    expect(sampleAnswer(def, q('name', 'text', { format: 'kana' }), 'confirm', false)).toEqual({ type: 'text', text: 'ヤマダ タロウ' });
    expect(sampleAnswer(def, q('pic', 'photo'), 'confirm', false)).toBeNull();
  });
  it('replays until the dialog waits at the target, or says where it stopped', async () => {
    const route: Record<string, PreviewTurn> = {
      0: { step: 'kind', done: false, prompts: q('kind', 'choice', { choices: [{ value: 'new', label: '新規' }, { value: 'move', label: '転入' }] }) },
      1: { step: 'name', done: false, prompts: q('name', 'text', { format: 'kana' }) },
      2: { step: 'pic', done: false, prompts: q('pic', 'photo') },
    };
    const seen: Input[][] = [];
    const preview = async (inputs: Input[]) => { seen.push([...inputs]); return route[inputs.length]; };
    const r = await playTo(def, 'name', preview);
    expect(r).toEqual({ inputs: [{ type: 'choice', value: 'move' }], reached: true, at: 'name' });
    expect(seen).toEqual([[], [{ type: 'choice', value: 'move' }]]);
    const stuck = await playTo(def, 'confirm', preview);
    expect(stuck.reached).toBe(false);
    expect(stuck.at).toBe('pic');
  });
});
