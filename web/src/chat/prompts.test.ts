import { describe, expect, it } from 'vitest';
import {
  activeIndexInLog, activePromptIndex, appendPrompts, choiceLabel, mentionsFee, choiceText, confirmChoices, describeInput, initialSelection, isNavChoice,
  ratingChoices, receiptOf, sessionKey, splitChoices, starsLabel, textInputAttrs, widgetFor,
  type LogEntry, type Prompt, type QuestionInput, type QuestionPrompt, type SummaryPrompt,
} from './prompts';

const q = (over: Partial<QuestionPrompt> = {}): QuestionPrompt => ({ type: 'question', step_id: 's', input: 'text', text: '?', ...over });

describe('prompt → widget mapping', () => {
  it('maps every documented input type to its widget', () => {
    for (const t of ['text', 'choice', 'multi_choice', 'date', 'location', 'photo', 'rating', 'confirm']) {
      expect(widgetFor(q({ input: t as QuestionInput }))).toBe(t);
    }
  });
  it('falls back for unknown input types', () => {
    expect(widgetFor(q({ input: 'weird' as QuestionInput }))).toBe('text');
    expect(widgetFor(q({ input: 'weird' as QuestionInput, choices: [{ value: 'a', label: 'A' }] }))).toBe('choice');
  });
  it('separates paging controls and engine actions from options', () => {
    const { options, extra, nav } = splitChoices([
      { value: '__prev__', label: '前へ' }, { value: 'sofa', label: 'ソファ' }, { value: '__next__', label: '次へ' },
      { value: 'x', label: '前へ' }, { value: 'more', label: 'もっと見る' }, { value: 'desk', label: '次の机' },
      { value: '__skip__', label: 'スキップ' }, { value: '__unknown__', label: 'わからない' }, { value: '__done__', label: '選択を終える' },
    ]);
    expect(options.map((c) => c.value)).toEqual(['sofa', 'desk']);
    expect(extra.map((c) => c.value)).toEqual(['__skip__', '__unknown__']);
    expect(nav.map((c) => c.value)).toEqual(['__prev__', '__next__', 'x', 'more']);
    expect(isNavChoice({ value: 'page:2', label: '2' })).toBe(true);
    expect(isNavChoice({ value: 'n', label: '次へ ›' })).toBe(true);
    expect(isNavChoice({ value: 'edit:name', label: 'お名前' })).toBe(false);
    expect(splitChoices(undefined)).toEqual({ options: [], extra: [], nav: [] });
  });
  it('shows fees on choices', () => {
    expect(choiceLabel({ value: 'a', label: '冷蔵庫', fee: 1500 }, 'ja')).toBe('冷蔵庫（1,500円）');
    expect(choiceLabel({ value: 'a', label: 'いす' }, 'ja')).toBe('いす');
  });
  it('shows a fee once when the label already names it', () => {
    // juminhyo: the button label and the full wording both name the 140円.
    expect(choiceLabel({ value: 'mail', label: '郵送（140円）', fee: 140 }, 'ja')).toBe('郵送（140円）');
    expect(choiceLabel({ value: 'mail', label: '郵送（140円）', full_label: '住民登録地へ郵送（郵送料140円）', fee: 140 }, 'ja'))
      .toBe('住民登録地へ郵送（郵送料140円）');
    expect(choiceLabel({ value: 'a', label: '冷蔵庫 1,500 円', fee: 1500 }, 'ja')).toBe('冷蔵庫 1,500 円');
    expect(choiceLabel({ value: 'a', label: '郵送（1,140円）', fee: 140 }, 'ja')).toBe('郵送（1,140円）（140円）');
    expect(mentionsFee('1140円', 140)).toBe(false);
    expect(choiceLabel({ value: 'a', label: '冷蔵庫', fee: 1500 }, 'en')).toBe('冷蔵庫（¥1,500）');
  });
  it('builds rating and confirm options', () => {
    expect(ratingChoices(q({ input: 'rating' })).map((c) => c.value)).toEqual(['1', '2', '3', '4', '5']);
    const five = [1, 2, 3, 4, 5].map((n) => ({ value: `r${n}`, label: `${n}` }));
    expect(ratingChoices(q({ input: 'rating', choices: five }))).toEqual(five);
    // The engine sends 5…1 plus a skip; stars go lowest first.
    const engine = ['5 満足', '4 やや満足', '3 ふつう', '2 やや不満', '1 不満'].map((l) => ({ value: l[0], label: l }));
    expect(ratingChoices(q({ input: 'rating', choices: [...engine, { value: '__skip__', label: '回答しない' }] })).map((c) => c.value))
      .toEqual(['1', '2', '3', '4', '5']);
    expect(confirmChoices({}, 'ja')).toEqual([{ value: 'yes', label: 'この内容で申請する' }]);
    expect(confirmChoices({ choices: [{ value: 'ok', label: '送信' }] }, 'ja')).toEqual([{ value: 'ok', label: '送信' }]);
    expect(starsLabel(3)).toBe('★★★☆☆');
  });
  it('chooses keyboard hints from the text format', () => {
    expect(textInputAttrs('phone').type).toBe('tel');
    expect(textInputAttrs('email').type).toBe('email');
    expect(textInputAttrs('postal_code').inputMode).toBe('numeric');
    expect(textInputAttrs(undefined).type).toBe('text');
    expect(textInputAttrs('phone')).toEqual({ type: 'tel', inputMode: 'tel', autoComplete: 'tel' });
    expect(textInputAttrs('email')).toEqual({ type: 'email', inputMode: 'email', autoComplete: 'email' });
    expect(textInputAttrs('postal_code')).toEqual({ type: 'text', inputMode: 'numeric', autoComplete: 'postal-code' });
    expect(textInputAttrs('number')).toEqual({ type: 'text', inputMode: 'numeric' });
    // No HTML autofill token is furigana; "name" would put kanji into a kana field.
    expect(textInputAttrs('kana').autoComplete).toBeUndefined();
  });
});

describe('active prompt', () => {
  const msg: Prompt = { type: 'message', text: 'hi' };
  it('is the last question or summary', () => {
    expect(activePromptIndex([msg, q(), msg])).toBe(1);
    const sum: SummaryPrompt = { type: 'summary', text: '', items: [] };
    expect(activePromptIndex([q(), sum])).toBe(1);
    expect(activePromptIndex([q(), { type: 'completion', text: '', receipt_number: 'A' }])).toBe(-1);
    expect(activePromptIndex([msg])).toBe(-1);
  });
  it('is none while waiting for the server after the resident spoke', () => {
    let k = 0;
    let log: LogEntry[] = appendPrompts([], [msg, q()], () => ++k);
    expect(activeIndexInLog(log)).toBe(1);
    log = [...log, { from: 'user', text: 'x', key: ++k }];
    expect(activeIndexInLog(log)).toBe(-1);
    log = appendPrompts(log, [{ type: 'error', text: 'bad' }, q({ step_id: 't' })], () => ++k);
    expect(activeIndexInLog(log)).toBe(4);
    expect(log.map((e) => e.key)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('echo of inputs', () => {
  const cq = q({ input: 'choice', choices: [{ value: 'a', label: 'ソファ' }, { value: 'b', label: 'たんす' }] });
  it('uses choice labels', () => {
    expect(describeInput({ type: 'choice', value: 'b' }, cq, 'ja')).toBe('たんす');
    expect(describeInput({ type: 'choices', values: ['a', 'b'] }, cq, 'ja')).toBe('ソファ、たんす');
    expect(describeInput({ type: 'choice', value: 'zzz' }, cq, 'ja')).toBe('zzz');
  });
  it('formats dates, ratings, locations, commands', () => {
    expect(describeInput({ type: 'date', date: '2025-04-01' }, null, 'ja')).toBe('令和7年4月1日（火）');
    expect(describeInput({ type: 'choice', value: '4' }, q({ input: 'rating' }), 'ja')).toBe('4点');
    expect(describeInput({ type: 'location', lat: 35.6812, lng: 139.7671 }, null, 'ja')).toBe('位置情報（35.68120, 139.76710）');
    expect(describeInput({ type: 'location', lat: 1, lng: 2, address: '役場前' }, null, 'ja')).toBe('役場前');
    expect(describeInput({ type: 'photo', attachment_id: 3 }, null, 'en')).toBe('Photo sent');
    expect(describeInput({ type: 'command', command: 'back' }, null, 'ja')).toBe('戻る');
    const sum: SummaryPrompt = { type: 'summary', text: '', items: [{ step_id: 'item', label: '品目', display: 'ソファ', editable: true }] };
    expect(describeInput({ type: 'command', command: 'edit', step_id: 'item' }, sum, 'ja')).toBe('修正: 品目');
  });
});

describe('misc', () => {
  it('finds the receipt number', () => {
    expect(receiptOf({ prompts: [], done: true, receipt_number: 'A7K-3F9' })).toBe('A7K-3F9');
    expect(receiptOf({ prompts: [{ type: 'completion', text: '', receipt_number: 'B1' }], done: true })).toBe('B1');
    expect(receiptOf({ prompts: [], done: false })).toBeUndefined();
  });
  it('keys resume storage by tenant and service', () => {
    expect(sessionKey('demo', 3)).toBe('mg_chat:demo:3');
  });
});

describe('multi-choice across pages and edits', () => {
  const page2 = q({
    step_id: 'items', input: 'multi_choice',
    choices: [{ value: '__prev__', label: '前へ' }, { value: 'microwave', label: '電子レンジ' }, { value: 'heater', label: 'ストーブ', full_label: 'ストーブ（灯油を抜いたもの）' }],
    selected: [{ value: 'bicycle', label: '自転車' }, { value: 'chair', label: '椅子' }],
  });
  it('echoes labels, not values, for choices ticked on another page', () => {
    const input = { type: 'choices' as const, values: ['bicycle', 'chair', 'microwave'] };
    expect(describeInput(input, page2, 'ja')).toBe('自転車、椅子、電子レンジ');
  });
  it('shows the full wording of labels cut for LINE', () => {
    const heater = page2.choices![2];
    expect(choiceText(heater)).toBe('ストーブ（灯油を抜いたもの）');
    expect(choiceLabel({ ...heater, fee: 400 }, 'ja')).toBe('ストーブ（灯油を抜いたもの）（400円）');
    expect(describeInput({ type: 'choice', value: 'heater' }, page2, 'ja')).toBe('ストーブ（灯油を抜いたもの）');
  });
  it('starts from the server selection unless ticks were kept while paging', () => {
    expect(initialSelection(page2, undefined).map((c) => c.value)).toEqual(['bicycle', 'chair']);
    expect(initialSelection(page2, [])).toEqual([]);
    expect(initialSelection(q({ input: 'multi_choice' }), undefined)).toEqual([]);
  });
});
